package dev.sluice.examples.javadoc;

import dev.sluice.block.Secret;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.LoadResult;
import dev.sluice.tasks.sql.LoadSpec;
import dev.sluice.tasks.sql.SqlStatement;
import dev.sluice.tasks.sql.SqlTasks;
import java.math.BigDecimal;
import java.util.List;

/**
 * The code examples of sluice-tasks-sql's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line;
 * {@link JavadocExamplesRunTest} runs {@link #sqlTasks} against H2).
 */
@SuppressWarnings("unused")
final class SqlExamples {
    private SqlExamples() {
    }

    /** A row of the examples' orders table. */
    public record Order(long orderId, String status, BigDecimal total) {
    }

    /** {@link DatabaseCredentials}'s class comment. */
    static DatabaseCredentials databaseCredentials(String pw) {
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://db:5432/shop", "etl", Secret.of(pw))
                .withPoolSize(4);
        return db;
    }

    /** {@link LoadSpec}'s class comment. */
    static LoadSpec loadSpec() {
        LoadSpec spec = LoadSpec.into("sales.orders").withUpsertOn("order_id").withBatchSize(5_000);
        return spec;
    }

    /** {@link SqlStatement}'s class comment. */
    static SqlStatement sqlStatement() {
        SqlStatement q = SqlStatement.of("select * from orders where status = :status and total > :min")
                .bind("status", "open").bind("min", 100);
        return q;
    }

    /** {@link SqlTasks}'s class comment: returns the open orders and what loading them copied. */
    static List<Object> sqlTasks(DatabaseCredentials db) {
        List<Order> open = SqlTasks.fetchAll(Order.class)
                .run(db, SqlStatement.of("select * from orders where status = :s").bind("s", "open"));
        LoadResult r = SqlTasks.load().run(db, LoadSpec.into("orders_copy"), open);
        return List.of(open, r);
    }

    /** The package comment of {@code dev.sluice.tasks.sql}. */
    static LoadResult sqlPackage(String pw, List<Order> orders) {
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://localhost/shop", "etl", Secret.of(pw));
        LoadResult result = SqlTasks.load().run(db, LoadSpec.into("orders").withUpsertOn("id"), orders);
        return result;
    }
}
