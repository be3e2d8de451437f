package dev.sluice.examples.sales;

import dev.sluice.tasks.sql.DatabaseCredentials;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the pipeline must have written, computed independently from the stand-in's data, and what it did write. */
final class SalesExpectations {
    private SalesExpectations() {
    }

    /** The stand-in's valid sales for the day, summed per {@code region/product}. */
    static Map<String, BigDecimal> expectedRevenue(LocalDate date, List<String> regions) throws Exception {
        Map<String, BigDecimal> expected = new TreeMap<>();
        try (SalesApiStandIn api = SalesApiStandIn.start("unused", 120)) {
            for (String region : regions) {
                for (Map<String, Object> sale : api.sales(date.toString(), region)) {
                    Object product = sale.get("product");
                    BigDecimal amount = new BigDecimal((String) sale.get("amount"));
                    if (product != null && amount.signum() >= 0) {
                        expected.merge(region + "/" + product, amount, BigDecimal::add);
                    }
                }
            }
        }
        return expected;
    }

    /** How many of the stand-in's sales for the day are invalid (no product, or a negative amount) and must be skipped. */
    static long expectedSkipped(LocalDate date, List<String> regions) throws Exception {
        long skipped = 0;
        try (SalesApiStandIn api = SalesApiStandIn.start("unused", 120)) {
            for (String region : regions) {
                for (Map<String, Object> sale : api.sales(date.toString(), region)) {
                    if (sale.get("product") == null || new BigDecimal((String) sale.get("amount")).signum() < 0) {
                        skipped++;
                    }
                }
            }
        }
        return skipped;
    }

    /** The {@code daily_sales} rows of {@code date} as {@code region/product -> revenue}. */
    static Map<String, BigDecimal> tableRevenue(DatabaseCredentials db, LocalDate date) throws Exception {
        Map<String, BigDecimal> actual = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password().reveal());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT region, product, revenue FROM daily_sales WHERE sale_date = ?")) {
            ps.setObject(1, date);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    actual.put(rs.getString("region") + "/" + rs.getString("product"),
                            rs.getBigDecimal("revenue").stripTrailingZeros());
                }
            }
        }
        return actual;
    }

    /** {@code map} with every amount without trailing zeros, to compare with {@link #tableRevenue}. */
    static Map<String, BigDecimal> normalized(Map<String, BigDecimal> map) {
        Map<String, BigDecimal> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(k, v.stripTrailingZeros()));
        return out;
    }
}
