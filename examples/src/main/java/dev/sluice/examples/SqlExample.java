package dev.sluice.examples;

import dev.sluice.block.Secret;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadResult;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.SqlPools;
import dev.sluice.tasks.sql.SqlStatement;
import dev.sluice.tasks.sql.SqlTasks;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Loads a few rows into an in-memory H2 database with an UPSERT, twice, and prints what each load
 * did. Run it with
 * {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.SqlExample}.
 */
public final class SqlExample {
    private SqlExample() {
    }

    /** One row of the {@code prices} table; components map to columns by name. */
    public record Price(String sku, BigDecimal amount, String currency) {
    }

    public static void main(String[] args) {
        // sql-example-start
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1", "sa", Secret.of(""));
        SqlTasks.execute().run(db, SqlStatement.of(
                "create table prices (sku varchar(20) primary key, amount numeric(10,2), currency char(3))"));

        var load = SqlTasks.load().withRetries(2, Duration.ofSeconds(1));
        LoadSpec spec = LoadSpec.into("prices").withUpsertOn("sku");
        LoadResult first = load.run(db, spec, List.of(
                new Price("apple", new BigDecimal("0.50"), "EUR"),
                new Price("pear", new BigDecimal("0.65"), "EUR")));
        LoadResult second = load.run(db, spec, List.of(
                new Price("pear", new BigDecimal("0.70"), "EUR"),      // updated
                new Price("plum", new BigDecimal("0.30"), "EUR")));    // inserted

        List<Map<String, Object>> rows = SqlTasks.fetchAll().run(db, SqlStatement.of(
                "select sku, amount from prices where currency = :cur order by sku").bind("cur", "EUR"));
        // sql-example-end

        System.out.println("first load:  " + first);
        System.out.println("second load: " + second);
        rows.forEach(row -> System.out.println("  " + row));
        SqlPools.close();
    }
}
