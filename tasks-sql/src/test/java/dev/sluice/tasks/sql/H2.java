package dev.sluice.tasks.sql;

import dev.sluice.block.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** A fresh named in-memory H2 database per call of {@link #newDatabase()}. */
final class H2 {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private H2() {
    }

    static {
        try {
            Class.forName("org.h2.Driver"); // registered whatever class loader touched DriverManager first
        } catch (ClassNotFoundException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static DatabaseCredentials newDatabase() {
        return DatabaseCredentials.of("jdbc:h2:mem:sluice" + SEQ.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", Secret.of(""));
    }

    static void sql(DatabaseCredentials db, String... statements) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), "");
             Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(DatabaseCredentials db, String table) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
