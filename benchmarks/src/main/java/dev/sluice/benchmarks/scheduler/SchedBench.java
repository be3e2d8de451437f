package dev.sluice.benchmarks.scheduler;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;

/** What the scheduler benchmarks share: databases, a no-op flow, percentiles, figure lines. */
final class SchedBench {
    static final Flow0<Integer> NOOP = Flow.of("noop", () -> 1);

    private SchedBench() {
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
        } catch (IOException e) {
            return "?";
        }
    }

    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.round((s.length - 1) * p / 100.0))];
    }

    static void figure(String name, double value, String unit) {
        System.out.printf(Locale.ROOT, "FIGURE %s %.3f %s%n", name, value, unit);
    }

    static void ratio(String name, double value) {
        System.out.printf(Locale.ROOT, "RATIO %s %.3f%n", name, value);
    }

    static HistoryDatabase sqlite() throws IOException {
        return HistoryDatabase.sqlite(Files.createTempDirectory("sluice-sched-bench").resolve("sluice.db"));
    }

    /** One number from {@code sql} on {@code db}. */
    static long count(HistoryDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password().reveal());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** An embedded PostgreSQL tuned as the history benchmarks tune it. */
    static final class Postgres implements AutoCloseable {
        final EmbeddedPostgres pg;

        Postgres() throws IOException {
            pg = EmbeddedPostgres.builder()
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("max_connections", "300")
                    .start();
        }

        HistoryDatabase database() {
            return HistoryDatabase.of(pg.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of(""));
        }

        @Override
        public void close() throws IOException {
            pg.close();
        }
    }
}
