package dev.sluice.tasks.sql;

import dev.sluice.block.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded PostgreSQL for the whole test run (random port, 127.0.0.1), closed when the run
 * ends. User {@code postgres} logs in without a password; user {@value #APP_USER} needs
 * {@value #APP_PASSWORD} (scram-sha-256), for the wrong-password test.
 */
final class EmbeddedPg implements BeforeAllCallback {
    static final String APP_USER = "sluice_app";
    static final String APP_PASSWORD = "right-Pa55word-xyz";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedPg.class);
    private static volatile Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        server = context.getRoot().getStore(NS).getOrComputeIfAbsent("server", k -> Server.start(), Server.class);
    }

    static String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.pg.getPort() + "/postgres";
    }

    static DatabaseCredentials credentials() {
        return DatabaseCredentials.of(url(), "postgres", Secret.of(""));
    }

    static DatabaseCredentials appCredentials(String password) {
        return DatabaseCredentials.of(url(), APP_USER, Secret.of(password));
    }

    /** A plain JDBC connection, outside the pools under test. */
    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    static void sql(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String table) {
        try (Connection c = connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static final class Server implements AutoCloseable {
        final EmbeddedPostgres pg;

        private Server(EmbeddedPostgres pg) {
            this.pg = pg;
        }

        static Server start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectoryCustomizer(dir -> {
                            Path hba = dir.toPath().resolve("pg_hba.conf");
                            try {
                                String old = Files.exists(hba) ? Files.readString(hba) : "";
                                Files.writeString(hba, "host all " + APP_USER + " 127.0.0.1/32 scram-sha-256\n"
                                        + "host all " + APP_USER + " ::1/128 scram-sha-256\n" + old, StandardCharsets.UTF_8);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
                Server s = new Server(pg);
                server = s;
                sql("CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + APP_PASSWORD + "'");
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            SqlPools.close();
            pg.close();
        }
    }
}
