package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.TaskFailedException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(EmbeddedPg.class)
class PgLoadIT {
    record Sale(long id, String name, BigDecimal amount, Instant createdAt) {
    }

    private static final Instant T0 = Instant.parse("2026-11-21T10:15:30.123456Z");
    private static final AtomicInteger TABLES = new AtomicInteger();

    static String newTable() {
        String name = "sales_" + TABLES.incrementAndGet();
        EmbeddedPg.sql("CREATE TABLE " + name + " (id bigint PRIMARY KEY, name text, amount numeric(12,2), created_at timestamptz)");
        return name;
    }

    static List<Sale> sales(int from, int n, String tag) {
        List<Sale> list = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            list.add(new Sale(i, tag + "-" + i, BigDecimal.valueOf(i * 7L, 2), T0.plusSeconds(i)));
        }
        return list;
    }

    static List<Sale> readAll(String table) throws Exception {
        List<Sale> out = new ArrayList<>();
        try (Connection c = EmbeddedPg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, name, amount, created_at from " + table + " order by id")) {
            while (rs.next()) {
                out.add(new Sale(rs.getLong(1), rs.getString(2), rs.getBigDecimal(3),
                        rs.getObject(4, java.time.OffsetDateTime.class).toInstant()));
            }
        }
        return out;
    }

    interface WithCredentials {
        void accept(DatabaseCredentials credentials) throws Exception;
    }

    /**
     * Runs {@code body} with the JVM's zone set to Europe/Berlin, on a pool of its own (named {@code app}) whose
     * connections open in that zone: the driver sets the session's TimeZone from it.
     */
    static void inBerlin(String app, WithCredentials body) throws Exception {
        java.util.TimeZone before = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Europe/Berlin"));
        try {
            body.accept(DatabaseCredentials.of(EmbeddedPg.url() + "?ApplicationName=" + app, "postgres",
                    dev.sluice.block.Secret.of("")));
        } finally {
            java.util.TimeZone.setDefault(before);
        }
    }

    /**
     * An {@code Instant} loaded into a {@code timestamp} column (no time zone) by a JVM outside UTC: COPY stores its
     * UTC wall time, and so must a JDBC insert, which bound it as a {@code timestamptz} that PostgreSQL turned into
     * the session's (the JVM's) wall time; read back as an {@code Instant} (UTC wall time), it was an hour off.
     */
    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void anInstantInATimestampColumnIsItsUtcWallTimeWhateverTheJvmsZone(boolean copy) throws Exception {
        record Event(long id, Instant at) {
        }
        String table = "events_" + TABLES.incrementAndGet();
        EmbeddedPg.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, at timestamp)");
        inBerlin("berlin-" + copy, berlin -> {
            List<Event> rows = List.of(new Event(1, T0), new Event(2, Instant.parse("2026-07-01T23:30:00Z")));
            SqlTasks.load().run(berlin, LoadSpec.into(table).withCopy(copy), rows);
            assertThat(SqlTasks.fetchAll(Event.class).run(berlin, SqlStatement.of("select * from " + table + " order by id")))
                    .isEqualTo(rows);
        });
        try (Connection c = EmbeddedPg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select at::text from " + table + " where id = 2")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2026-07-01 23:30:00");
        }
    }

    /**
     * An {@code OffsetDateTime} or {@code ZonedDateTime} loaded into a {@code timestamp} column (no time zone) is an
     * instant like an {@code Instant}: kept as its UTC wall time by COPY and JDBC batches alike. COPY kept the value's
     * own wall time while a JDBC batch kept the JVM's zone's, so the same rows differed with {@code withCopy}.
     */
    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void offsetAndZonedDateTimesInATimestampColumnAreTheirUtcWallTimeWhateverThePath(boolean copy) throws Exception {
        record Event(long id, java.time.OffsetDateTime at, java.time.ZonedDateTime z) {
        }
        record Back(long id, Instant at, java.time.OffsetDateTime z) {
        }
        String table = "events_" + TABLES.incrementAndGet();
        EmbeddedPg.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, at timestamp, z timestamp)");
        java.time.OffsetDateTime at = java.time.OffsetDateTime.parse("2026-07-01T23:30:00+02:00");
        inBerlin("berlin-odt-" + copy, berlin -> {
            SqlTasks.load().run(berlin, LoadSpec.into(table).withCopy(copy),
                    List.of(new Event(1, at, at.atZoneSameInstant(java.time.ZoneId.of("America/New_York")))));
            assertThat(SqlTasks.fetchAll(Back.class).run(berlin, SqlStatement.of("select * from " + table)))
                    .containsExactly(new Back(1, at.toInstant(), at.withOffsetSameInstant(java.time.ZoneOffset.UTC)));
        });
        try (Connection c = EmbeddedPg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select at::text, z::text from " + table)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2026-07-01 21:30:00");
            assertThat(rs.getString(2)).isEqualTo("2026-07-01 21:30:00");
        }
    }

    /**
     * Instants as query parameters against a {@code timestamp} column a load filled, in a JVM outside UTC: bound as a
     * {@code timestamptz}, PostgreSQL compared them with the session's (Berlin's) wall time, so {@code at = :t} found
     * nothing and {@code at >= :since} was an hour or two off. They are bound as the UTC wall time a load stores,
     * in queries, {@code execute} and {@code executeMany} alike; a {@code timestamptz} column is untouched.
     */
    @Test
    void instantParametersMatchWhatALoadStoredWhateverTheJvmsZone() throws Exception {
        record Event(long id, Instant at) {
        }
        String table = "events_" + TABLES.incrementAndGet();
        EmbeddedPg.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, at timestamp, at_tz timestamptz, note text)");
        inBerlin("berlin-params", berlin -> {
            Instant t1 = Instant.parse("2026-07-01T23:30:00Z");
            Instant t2 = Instant.parse("2026-07-02T01:00:00Z");
            SqlTasks.load().run(berlin, LoadSpec.into(table), List.of(
                    Map.of("id", 1, "at", t1, "at_tz", t1, "note", "a"), Map.of("id", 2, "at", t2, "at_tz", t2, "note", "b")));

            assertThat(SqlTasks.fetchAll(Event.class).run(berlin, SqlStatement.of(
                    "select id, at from " + table + " where at = :t", Map.of("t", t1)))).containsExactly(new Event(1, t1));
            assertThat(SqlTasks.fetchAll(Event.class).run(berlin, SqlStatement.of(
                    "select id, at from " + table + " where at >= :since order by id", Map.of("since", t1.plusSeconds(60)))))
                    .containsExactly(new Event(2, t2));
            assertThat(SqlTasks.fetchAll(Event.class).run(berlin, SqlStatement.of(
                    "select id, at_tz as at from " + table + " where at_tz = :t", Map.of("t", t2)))).containsExactly(new Event(2, t2));
            assertThat(SqlTasks.fetchAll(Event.class).run(berlin, SqlStatement.of(
                    "select id, at from " + table + " where at = :t", Map.of("t", java.util.Date.from(t2)))))
                    .containsExactly(new Event(2, t2));

            assertThat(SqlTasks.execute().run(berlin, SqlStatement.of(
                    "update " + table + " set note = 'seen' where at = :t", Map.of("t", t1)))).isEqualTo(1);
            assertThat(SqlTasks.executeMany().run(berlin, "insert into " + table + " (id, at) values (:id, :at)",
                    List.of(Map.of("id", 3, "at", t1), Map.of("id", 4, "at", t2)))).isEqualTo(2L);
        });
        try (Connection c = EmbeddedPg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, at::text, note from " + table + " order by id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
            assertThat(rows).containsExactly("1 2026-07-01 23:30:00 seen", "2 2026-07-02 01:00:00 b",
                    "3 2026-07-01 23:30:00 null", "4 2026-07-02 01:00:00 null");
        }
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void insertsEveryRowWithTypesIntact(boolean copy) throws Exception {
        String table = newTable();
        List<Sale> rows = sales(1, 25_000, "x");
        LoadResult r = SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table).withCopy(copy).withBatchSize(10_000), rows);
        assertThat(r.inserted()).isEqualTo(25_000);
        assertThat(r.updated()).isZero();
        // COPY streams an all-or-nothing load through one COPY; JDBC batches hold batchSize rows
        assertThat(r.batches()).isEqualTo(copy ? 1 : 3);
        assertThat(readAll(table)).isEqualTo(rows);
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void upsertTwiceLeavesTheSameTableAndCountsInsertsAndUpdates(boolean copy) throws Exception {
        String table = newTable();
        LoadSpec spec = LoadSpec.into(table).withUpsertOn("id").withCopy(copy).withBatchSize(3_000);
        LoadResult first = SqlTasks.load().run(EmbeddedPg.credentials(), spec, sales(1, 10_000, "a"));
        List<Sale> afterFirst = readAll(table);
        LoadResult again = SqlTasks.load().run(EmbeddedPg.credentials(), spec, sales(1, 10_000, "a"));
        assertThat(readAll(table)).isEqualTo(afterFirst).hasSize(10_000);
        assertThat(first.inserted()).isEqualTo(10_000);
        assertThat(again.inserted()).isZero();
        assertThat(again.updated()).isEqualTo(10_000);

        LoadResult mixed = SqlTasks.load().run(EmbeddedPg.credentials(), spec, sales(5_001, 10_000, "b"));
        assertThat(mixed.inserted()).isEqualTo(5_000);
        assertThat(mixed.updated()).isEqualTo(5_000);
        List<Sale> expected = new ArrayList<>(sales(1, 5_000, "a"));
        expected.addAll(sales(5_001, 10_000, "b"));
        assertThat(readAll(table)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void upsertPerBatchCommitsEachBatch(boolean copy) throws Exception {
        String table = newTable();
        LoadSpec spec = LoadSpec.into(table).withUpsertOn("id").withCopy(copy)
                .withTransaction(LoadTransaction.PER_BATCH).withBatchSize(700);
        SqlTasks.load().run(EmbeddedPg.credentials(), spec, sales(1, 3_000, "a"));
        LoadResult r = SqlTasks.load().run(EmbeddedPg.credentials(), spec, sales(2_001, 3_000, "b"));
        assertThat(r.batches()).isEqualTo(5);
        assertThat(r.inserted()).isEqualTo(2_000);
        assertThat(r.updated()).isEqualTo(1_000);
        List<Sale> expected = new ArrayList<>(sales(1, 2_000, "a"));
        expected.addAll(sales(2_001, 3_000, "b"));
        assertThat(readAll(table)).isEqualTo(expected);
    }

    @Test
    void truncateInsertReplacesTheTable() throws Exception {
        String table = newTable();
        SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table), sales(1, 100, "old"));
        LoadResult r = SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table).withMode(LoadMode.TRUNCATE_INSERT),
                sales(50, 10, "new"));
        assertThat(r.inserted()).isEqualTo(10);
        assertThat(readAll(table)).isEqualTo(sales(50, 10, "new"));
    }

    @Test
    void copyEscapingRoundTripsNastyStrings() throws Exception {
        EmbeddedPg.sql("CREATE TABLE nasty (id int PRIMARY KEY, s text, b bytea)");
        List<String> nasty = List.of("tab\there", "new\nline", "cr\rlf\r\n", "back\\slash", "\\N", "\\.", "\\",
                "", " ", "quote'\"", "unicode: äöü 日本語 \uD83D\uDE00 \u2028", "\\t literal", "a\u0001b\u007f",
                "'; DROP TABLE nasty; --", "line1\n\\.\nline3", "end\\");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < nasty.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i);
            row.put("s", nasty.get(i));
            row.put("b", nasty.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            rows.add(row);
        }
        Map<String, Object> nulls = new LinkedHashMap<>();
        nulls.put("id", 999);
        nulls.put("s", null);
        nulls.put("b", null);
        rows.add(nulls);
        SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into("nasty"), rows);
        try (Connection c = EmbeddedPg.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id, s, b from nasty order by id")) {
            for (int i = 0; i < nasty.size(); i++) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo(nasty.get(i));
                assertThat(new String(rs.getBytes(3), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(nasty.get(i));
            }
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNull();
            assertThat(rs.getBytes(3)).isNull();
        }
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void wrongTypeMidLoadAllOrNothingLeavesZeroRows(boolean copy) {
        String table = newTable();
        List<Map<String, Object>> rows = mapRows(100_000, 61_234, "not-a-number");
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table).withCopy(copy), rows))
                .isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("load into " + table + " failed at "
                        + (copy ? "input row 61234" : "batch 7 (input rows 60000 to 69999)"))
                .hasMessageContaining("rolled back")
                .satisfies(e -> assertThat(((SqlLoadException) e).committedRows()).isZero());
        assertThat(EmbeddedPg.count(table)).isZero();
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void wrongTypeMidLoadPerBatchCommitsExactlyTheBatchesBefore(boolean copy) {
        String table = newTable();
        List<Map<String, Object>> rows = mapRows(100_000, 61_234, "not-a-number");
        LoadSpec spec = LoadSpec.into(table).withCopy(copy).withTransaction(LoadTransaction.PER_BATCH).withBatchSize(7_000);
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), spec, rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .satisfies(e -> assertThat(((SqlLoadException) e).committedRows()).isEqualTo(56_000));
        assertThat(EmbeddedPg.count(table)).isEqualTo(56_000);

        // fix the row and resume from where the failure left off: no duplicates, no gaps
        rows.get(61_234).put("amount", new BigDecimal("1.00"));
        LoadResult rest = SqlTasks.load().run(EmbeddedPg.credentials(), spec.withSkipRows(56_000), rows);
        assertThat(rest.inserted()).isEqualTo(44_000);
        assertThat(EmbeddedPg.count(table)).isEqualTo(100_000);
    }

    @Test
    void missingColumnMidLoadIsReportedWithItsRow() {
        String table = newTable();
        List<Map<String, Object>> rows = mapRows(100_000, -1, null);
        rows.get(42_000).remove("name");
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table), rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("input row 42000 has no value for column 'name'");
        assertThat(EmbeddedPg.count(table)).isZero();
    }

    @Test
    void perBatchRetryOfTheSameTaskRunResumesWithoutDuplicates() {
        String table = newTable();
        AtomicInteger attempts = new AtomicInteger();
        // an input that breaks once, on the first attempt, at row 25,500
        Iterable<Sale> flaky = () -> new Iterator<>() {
            private final Iterator<Sale> it = sales(0, 40_000, "f").iterator();
            private int i;
            private final boolean failThisTime = attempts.incrementAndGet() == 1;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Sale next() {
                if (failThisTime && i == 25_500) {
                    throw new IllegalStateException("upstream hiccup");
                }
                i++;
                return it.next();
            }
        };
        LoadResult r = SqlTasks.load().withRetries(1, Duration.ofMillis(10)).run(EmbeddedPg.credentials(),
                LoadSpec.into(table).withTransaction(LoadTransaction.PER_BATCH).withBatchSize(10_000), flaky);
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(r.inserted()).isEqualTo(40_000);
        assertThat(EmbeddedPg.count(table)).isEqualTo(40_000);
    }

    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void duplicateKeyInInsertModeFailsAndRollsBack(boolean copy) {
        String table = newTable();
        List<Sale> rows = new ArrayList<>(sales(1, 5_000, "d"));
        rows.add(new Sale(17, "again", BigDecimal.ONE, T0));
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table).withCopy(copy), rows))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("duplicate key")
                .hasMessageContaining("(id)=(17)");
        assertThat(EmbeddedPg.count(table)).isZero();
    }

    @Test
    void connectionLostMidLoadFailsCleanlyAndThePoolRecovers() {
        String table = newTable();
        DatabaseCredentials creds = EmbeddedPg.credentials().withPoolSize(1)
                .withDriverProperties(Map.of("ApplicationName", "sluice-doomed"));
        // the input kills the loading backend (from another connection) while the COPY is at row 30,000
        Iterable<Sale> killer = () -> IntStream.range(0, 60_000).mapToObj(i -> {
            if (i == 30_000) {
                EmbeddedPg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice-doomed'");
            }
            return new Sale(i, "k" + i, BigDecimal.ONE, T0);
        }).iterator();
        assertThatThrownBy(() -> SqlTasks.load().run(creds, LoadSpec.into(table), killer))
                .cause().isInstanceOf(SqlLoadException.class)
                .hasMessageContaining("rolled back");
        assertThat(EmbeddedPg.count(table)).isZero();

        LoadResult next = SqlTasks.load().run(creds, LoadSpec.into(table), sales(0, 60_000, "ok"));
        assertThat(next.inserted()).isEqualTo(60_000);
        assertThat(EmbeddedPg.count(table)).isEqualTo(60_000);
    }

    @Test
    void aPooledConnectionTheServerDroppedWhileIdleIsReplaced() {
        String table = newTable();
        DatabaseCredentials creds = EmbeddedPg.credentials().withPoolSize(1)
                .withDriverProperties(Map.of("ApplicationName", "sluice-idle-victim"));
        SqlTasks.load().run(creds, LoadSpec.into(table), sales(0, 10, "a"));
        EmbeddedPg.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice-idle-victim'");
        // the pool's only connection is dead; the load notices before writing and takes a new one
        assertThat(SqlTasks.load().run(creds, LoadSpec.into(table), sales(10, 10, "b")).inserted()).isEqualTo(10);
        assertThat(EmbeddedPg.count(table)).isEqualTo(20);
    }

    @Test
    void wrongPasswordFailsWithoutThePasswordInTheMessage() {
        String wrong = "wrong-Secret-pw-4711";
        DatabaseCredentials creds = EmbeddedPg.appCredentials(wrong).withConnectionTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> SqlTasks.execute().run(creds, SqlStatement.of("select 1")))
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> {
                    assertThat(e.getCause()).isInstanceOf(SqlTaskException.class)
                            .hasMessageContaining("password authentication failed for user \"sluice_app\"");
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong);
                    }
                });
        assertThat(SqlTasks.execute().run(EmbeddedPg.appCredentials(EmbeddedPg.APP_PASSWORD), SqlStatement.of("select 1")))
                .isZero();
    }

    @Test
    void unknownTableAndColumnAreNamed() {
        String table = newTable();
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into("no_such_table"), sales(1, 3, "u")))
                .cause().isInstanceOf(SqlTaskException.class)
                .hasMessageContaining("table 'no_such_table' does not exist");
        Map<String, Object> row = new LinkedHashMap<>(Map.of("id", 1, "colour", "red"));
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table), List.of(row)))
                .cause().isInstanceOf(SqlTaskException.class)
                .hasMessageContaining("table '" + table + "' has no column 'colour'; its columns are [id, name, amount, created_at]");
    }

    @Test
    void injectionInIdentifiersIsRejectedAndTheTableSurvives() {
        String table = newTable();
        SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table), sales(1, 3, "i"));
        assertThatThrownBy(() -> LoadSpec.into(table + "; DROP TABLE " + table + "; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a plain identifier");
        assertThatThrownBy(() -> LoadSpec.into(table).withColumns("id", "name\" text); DROP TABLE " + table + "; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a plain identifier");
        Map<String, Object> evil = new LinkedHashMap<>();
        evil.put("id", 9);
        evil.put("name) VALUES (1); DROP TABLE " + table + "; --", "x");
        assertThatThrownBy(() -> SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into(table), List.of(evil)))
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a plain identifier");
        assertThat(EmbeddedPg.count(table)).isEqualTo(3);
    }

    @Test
    void camelCaseRecordComponentsMeetSnakeCaseColumnsAndMixedCaseNames() throws Exception {
        EmbeddedPg.sql("CREATE SCHEMA IF NOT EXISTS shop", "CREATE TABLE shop.\"Orders\" (order_id bigint PRIMARY KEY, \"Total\" numeric)");
        record Order(long orderId, BigDecimal total) {
        }
        SqlTasks.load().run(EmbeddedPg.credentials(), LoadSpec.into("shop.Orders"), List.of(new Order(1, BigDecimal.TEN)));
        try (Connection c = EmbeddedPg.connect();
             PreparedStatement ps = c.prepareStatement("select \"Total\" from shop.\"Orders\" where order_id = 1");
             ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("10");
        }
    }

    /**
     * A load blocked on a lock another session holds, past its task's timeout: the watchdog cancels
     * the blocked statement once the engine interrupts the body, and nothing is committed, neither
     * then nor once the lock is gone.
     */
    @ParameterizedTest(name = "copy={0}")
    @ValueSource(booleans = {true, false})
    void aLoadBlockedOnALockPastItsTimeoutIsCancelledAndNeverCommits(boolean copy) throws Exception {
        String table = newTable();
        DatabaseCredentials creds = EmbeddedPg.credentials().withDriverProperties(Map.of("ApplicationName", "sluice-locked-" + copy));
        boolean freedWhileLocked;
        try (Connection locker = EmbeddedPg.connect()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            assertThatThrownBy(() -> SqlTasks.load().withTimeout(Duration.ofSeconds(1))
                    .run(creds, LoadSpec.into(table).withCopy(copy), sales(1, 10, "t")))
                    .isInstanceOfSatisfying(TaskFailedException.class,
                            e -> assertThat(e.state()).isEqualTo(dev.sluice.State.TIMED_OUT));
            freedWhileLocked = Interruptions.poolIdleWithin(creds, Duration.ofSeconds(3));
            locker.commit(); // releases the lock
        }
        Interruptions.awaitPoolIdle(creds, Duration.ofSeconds(10));
        Thread.sleep(500);
        assertThat(EmbeddedPg.count(table)).isZero();
        assertThat(freedWhileLocked).as("the blocked statement was cancelled: the load gave its connection back"
                + " while the lock was still held").isTrue();
        // the pool is fine: the next load goes through
        assertThat(SqlTasks.load().run(creds, LoadSpec.into(table).withCopy(copy), sales(1, 10, "t")).inserted()).isEqualTo(10);
    }

    static List<Map<String, Object>> mapRows(int n, int badRow, Object badAmount) {
        List<Map<String, Object>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", (long) i);
            m.put("name", "n" + i);
            m.put("amount", i == badRow ? badAmount : BigDecimal.valueOf(i, 2));
            m.put("created_at", T0);
            rows.add(m);
        }
        return rows;
    }
}
