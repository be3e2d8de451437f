package dev.sluice.benchmarks.sql;

import dev.sluice.block.Secret;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadResult;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.SqlPools;
import dev.sluice.tasks.sql.SqlTasks;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Side by side, in one run against an embedded PostgreSQL: loading 1,000,000 rows of
 * (bigint, text, numeric, timestamptz) with {@code SqlTasks.load()} (INSERT and UPSERT) and with
 * raw pgjdbc COPY, raw JDBC batches with and without {@code reWriteBatchedInserts}, and a raw
 * rewritten {@code INSERT ... ON CONFLICT} batch. Prints rows/s (best and median of the rounds).
 *
 * <p>Run: {@code java -Xmx2g -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.sql.SqlLoadBenchmark [rows] [rounds]}
 */
public final class SqlLoadBenchmark {
    /** One benchmark row. */
    public record Sale(long id, String name, BigDecimal amount, Instant createdAt) {
    }

    @FunctionalInterface
    interface Method {
        void load(List<Sale> rows) throws Exception;
    }

    private static String url;

    private SqlLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // optional: only the methods whose name contains one of these comma-separated words
        List<String> only = args.length > 2 ? List.of(args[2].split(",")) : List.of();
        List<Sale> rows = new ArrayList<>(n);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            rows.add(new Sale(i, "customer " + i + " \"o'neil\"\tx", BigDecimal.valueOf(i % 1_000_000, 2),
                    t0.plusMillis(i * 1_237L)));
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
            DatabaseCredentials db = DatabaseCredentials.of(url, "postgres", Secret.of(""));
            exec("CREATE TABLE bench (id bigint PRIMARY KEY, name text, amount numeric(12,2), created_at timestamptz)");

            Map<String, Method> methods = new LinkedHashMap<>();
            methods.put("SqlTasks.load() INSERT (COPY)", r -> check(SqlTasks.load().run(db, LoadSpec.into("bench"), r), n));
            methods.put("raw pgjdbc COPY", SqlLoadBenchmark::rawCopy);
            methods.put("raw JDBC batch, reWriteBatchedInserts", r -> rawBatch(r, true, false));
            methods.put("raw JDBC batch, plain", r -> rawBatch(r, false, false));
            methods.put("SqlTasks.load() UPSERT, new keys", r -> check(SqlTasks.load().run(db, LoadSpec.into("bench").withUpsertOn("id"), r), n));
            methods.put("raw rewritten batch INSERT..ON CONFLICT, new keys", r -> rawBatch(r, true, true));

            // UPSERT over existing keys: the table is pre-filled by the method before, every row is an update
            methods.put("SqlTasks.load() UPSERT, existing keys", r -> check(SqlTasks.load().run(db,
                    LoadSpec.into("bench").withUpsertOn("id"), r), n));
            methods.put("raw rewritten batch INSERT..ON CONFLICT, existing keys", r -> rawBatch(r, true, true));
            if (!only.isEmpty()) {
                methods.keySet().removeIf(name -> only.stream().noneMatch(name::contains));
            }
            Map<String, double[]> rates = new LinkedHashMap<>();
            for (String name : methods.keySet()) {
                rates.put(name, new double[rounds]);
            }

            // warm-up: one small pass of each, so the JIT has seen every path
            for (Method m : methods.values()) {
                exec("TRUNCATE bench");
                m.load(rows.subList(0, Math.min(n, 50_000)));
            }
            for (int round = 0; round < rounds; round++) {
                // odd rounds run the methods in reverse, so a machine that gets busier or quieter favours none
                List<Map.Entry<String, Method>> order = new ArrayList<>(methods.entrySet());
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Map.Entry<String, Method> e : order) {
                    boolean existing = e.getKey().endsWith("existing keys");
                    if (existing) {
                        // every update run starts from the same freshly loaded, vacuumed table
                        exec("TRUNCATE bench");
                        rawCopy(rows);
                        exec("VACUUM ANALYZE bench");
                    }
                    rates.get(e.getKey())[round] = time(e.getValue(), rows, !existing);
                }
                System.err.println("round " + (round + 1) + " of " + rounds + " done");
            }
            SqlPools.close();

            double copy = median(rates.getOrDefault("raw pgjdbc COPY", new double[] {Double.NaN}));
            double rewritten = median(rates.getOrDefault("raw JDBC batch, reWriteBatchedInserts", new double[] {Double.NaN}));
            System.out.printf("%n%,d rows of (bigint, text, numeric, timestamptz); %d rounds; PostgreSQL %s%n", n, rounds,
                    serverVersion());
            System.out.printf("%-58s %14s %14s %10s %12s%n", "method", "median rows/s", "best rows/s", "vs COPY", "vs rewritten");
            for (Map.Entry<String, double[]> e : rates.entrySet()) {
                double med = median(e.getValue());
                System.out.printf("%-58s %,14.0f %,14.0f %9.2fx %11.2fx%n", e.getKey(), med,
                        Arrays.stream(e.getValue()).max().orElse(0), med / copy, med / rewritten);
            }
        }
    }

    private static double time(Method m, List<Sale> rows, boolean truncateFirst) throws Exception {
        if (truncateFirst) {
            exec("TRUNCATE bench");
        }
        exec("CHECKPOINT");
        long start = System.nanoTime();
        m.load(rows);
        double seconds = (System.nanoTime() - start) / 1e9;
        return rows.size() / seconds;
    }

    private static void check(LoadResult r, int n) {
        if (r.rows() != n && r.rows() != 50_000) {
            throw new IllegalStateException("loaded " + r.rows() + " rows, expected " + n);
        }
    }

    /** COPY as one would write it by hand: one text line per row, UTF-8 bytes written in chunks. */
    private static void rawCopy(List<Sale> rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY bench (id, name, amount, created_at) FROM STDIN");
            StringBuilder sb = new StringBuilder(1 << 20);
            for (Sale s : rows) {
                sb.append(s.id()).append('\t');
                escape(sb, s.name());
                sb.append('\t').append(s.amount().toPlainString()).append('\t').append(s.createdAt()).append('\n');
                if (sb.length() > (1 << 18)) {
                    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                    in.writeToCopy(b, 0, b.length);
                    sb.setLength(0);
                }
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(b, 0, b.length);
            in.endCopy();
            c.commit();
        }
    }

    private static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(ch);
            }
        }
    }

    private static void rawBatch(List<Sale> rows, boolean rewrite, boolean upsert) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "");
        p.setProperty("reWriteBatchedInserts", Boolean.toString(rewrite));
        String sql = "INSERT INTO bench (id, name, amount, created_at) VALUES (?, ?, ?, ?)"
                + (upsert ? " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, amount = EXCLUDED.amount, "
                + "created_at = EXCLUDED.created_at" : "");
        try (Connection c = DriverManager.getConnection(url, p); PreparedStatement ps = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            int inBatch = 0;
            for (Sale s : rows) {
                ps.setLong(1, s.id());
                ps.setString(2, s.name());
                ps.setBigDecimal(3, s.amount());
                ps.setObject(4, OffsetDateTime.ofInstant(s.createdAt(), ZoneOffset.UTC));
                ps.addBatch();
                if (++inBatch == 10_000) {
                    ps.executeBatch();
                    inBatch = 0;
                }
            }
            ps.executeBatch();
            c.commit();
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String serverVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            return c.getMetaData().getDatabaseProductVersion();
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
