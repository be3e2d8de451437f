package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import dev.sluice.TaskFailedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class H2QueriesTest {
    record Person(int id, String fullName, LocalDate born) {
    }

    private DatabaseCredentials db;

    @BeforeEach
    void setUp() {
        db = H2.newDatabase();
        SqlTasks.execute().run(db, SqlStatement.of("create table people (id int primary key, full_name varchar(50), born date)"));
    }

    @AfterAll
    static void closePools() {
        SqlPools.close();
    }

    @Test
    void executeBindsNamedParametersAndReturnsTheCount() {
        int n = SqlTasks.execute().run(db, SqlStatement.of("insert into people values (:id, :name, :born)")
                .bind("id", 1).bind("name", "Ada ':not_a_param'").bind("born", LocalDate.of(1815, 12, 10)));
        assertThat(n).isEqualTo(1);
        assertThat(SqlTasks.fetchOne(Person.class).run(db, SqlStatement.of("select * from people where id = :id").bind("id", 1)))
                .contains(new Person(1, "Ada ':not_a_param'", LocalDate.of(1815, 12, 10)));
        assertThat(SqlTasks.fetchOne().run(db, SqlStatement.of("select * from people where id = :id").bind("id", 2))).isEmpty();
    }

    @Test
    void executeManyTakesMapsAndRecordsInOneTransaction() {
        long n = SqlTasks.executeMany().run(db, "insert into people (id, full_name, born) values (:id, :fullName, :born)",
                List.of(new Person(1, "a", null), new Person(2, "b", LocalDate.EPOCH)));
        Map<String, Object> third = new HashMap<>();
        third.put("id", 3);
        third.put("fullName", "c");
        third.put("born", null);
        n += SqlTasks.executeMany().run(db, "insert into people (id, full_name, born) values (:id, :fullName, :born)", List.of(third));
        assertThat(n).isEqualTo(3);

        // the second set fails: nothing of the call stays
        assertThatThrownBy(() -> SqlTasks.executeMany().run(db, "insert into people (id, full_name) values (:id, :fullName)",
                List.of(Map.of("id", 10, "fullName", "x"), Map.of("id", 1, "fullName", "dup"))))
                .cause().isInstanceOf(SqlTaskException.class).hasMessageContaining("statement 'insert into people");
        assertThat(H2.count(db, "people")).isEqualTo(3);
    }

    @Test
    void fetchManyAllAndStream() {
        List<Person> people = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            people.add(new Person(i, "p" + i, LocalDate.EPOCH.plusDays(i)));
        }
        SqlTasks.load().run(db, LoadSpec.into("people"), people);
        SqlStatement all = SqlStatement.of("select * from people order by id");
        assertThat(SqlTasks.fetchMany(Person.class, 5).run(db, all)).isEqualTo(people.subList(0, 5));
        assertThat(SqlTasks.fetchMany(3).run(db, all)).hasSize(3).first()
                .isEqualTo(Map.of("ID", 0, "FULL_NAME", "p0", "BORN", LocalDate.EPOCH));
        assertThat(SqlTasks.fetchAll(Person.class).run(db, all)).isEqualTo(people);
        assertThat(SqlTasks.fetchAll().run(db, all)).hasSize(50);
        List<Person> seen = new ArrayList<>();
        long n = SqlTasks.stream(Person.class).run(db, all.withFetchSize(7), seen::add);
        assertThat(n).isEqualTo(50);
        assertThat(seen).isEqualTo(people);
    }

    @Test
    void missingParameterAndBadStatementAreNamed() {
        assertThatThrownBy(() -> SqlTasks.fetchAll().run(db, SqlStatement.of("select * from people where id = :id")))
                .cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no value for parameter :id of 'select * from people where id = :id'");
        assertThatThrownBy(() -> SqlTasks.execute().run(db, SqlStatement.of("update nowhere set x = 1")))
                .cause().isInstanceOf(SqlTaskException.class)
                .hasMessageContaining("statement 'update nowhere set x = 1' failed on jdbc:h2:mem:")
                .hasMessageContaining("NOWHERE");
        assertThatThrownBy(() -> SqlTasks.fetchAll(Optional.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a record");
    }

    @Test
    void tasksShareOnePoolPerCredentialsValue() {
        DatabaseCredentials one = db.withPoolSize(1);
        Object session1 = SqlTasks.fetchOne().run(one, SqlStatement.of("select session_id() as s")).orElseThrow().get("S");
        DataSource pool = SqlPools.dataSource(one);
        int open = SqlPools.openPools();
        // an equal value built anew, used by other tasks: same pool, same (only) connection
        DatabaseCredentials same = new DatabaseCredentials(one.jdbcUrl(), "sa", Secret.of(""), 1,
                DatabaseCredentials.DEFAULT_CONNECTION_TIMEOUT, Map.of());
        SqlTasks.execute().run(same, SqlStatement.of("insert into people (id) values (1)"));
        Object session2 = SqlTasks.fetchMany(1).run(same, SqlStatement.of("select session_id() as s")).get(0).get("S");
        assertThat(session2).isEqualTo(session1);
        assertThat(SqlPools.dataSource(same)).isSameAs(pool);
        assertThat(SqlPools.openPools()).isEqualTo(open);

        SqlPools.close(same);
        assertThat(SqlPools.openPools()).isEqualTo(open - 1);
        assertThat(SqlTasks.fetchAll().run(one, SqlStatement.of("select * from people"))).hasSize(1);
        assertThat(SqlPools.dataSource(one)).isNotSameAs(pool);
    }

    @Test
    void wrongPasswordNeverShowsThePassword() {
        String url = "jdbc:h2:mem:pwtest;DB_CLOSE_DELAY=-1";
        DatabaseCredentials right = DatabaseCredentials.of(url, "admin", Secret.of("correct-horse-42"));
        SqlTasks.execute().run(right, SqlStatement.of("create table t (x int)"));
        String wrong = "battery-staple-99";
        DatabaseCredentials bad = DatabaseCredentials.of(url, "admin", Secret.of(wrong))
                .withConnectionTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> SqlTasks.execute().run(bad, SqlStatement.of("select 1")))
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> {
                    assertThat(e.getCause()).isInstanceOf(SqlTaskException.class)
                            .hasMessageContaining("cannot connect to jdbc:h2:mem:pwtest?... as user 'admin'")
                            .hasMessageContaining("Wrong user name or password");
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain("correct-horse-42");
                    }
                });
        assertThat(bad.toString()).doesNotContain(wrong).contains("password=**********");
        SqlPools.close(right);
    }

    @Test
    void aMissingDriverIsNamedInsteadOfBlamingTheCredentials() {
        String urlPassword = "UrlPw-31337";
        DatabaseCredentials none = DatabaseCredentials.of("jdbc:nosuchdb://db.example:1/shop?password=" + urlPassword, "etl",
                Secret.of("field-pw-31337"));
        assertThatThrownBy(() -> SqlTasks.execute().run(none, SqlStatement.of("select 1")))
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> {
                    assertThat(e.getCause()).isInstanceOf(SqlTaskException.class)
                            .hasMessage("cannot connect to jdbc:nosuchdb://db.example:1/shop?... as user 'etl': no JDBC driver"
                                    + " on the class path accepts jdbc:nosuchdb: URLs; add the database's JDBC driver to the class path");
                    assertThat(e.getMessage()).doesNotContain(urlPassword).doesNotContain("field-pw-31337");
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(Secret.mask(String.valueOf(t.getMessage()))).doesNotContain(urlPassword);
                    }
                });
        // a known sub-protocol names the usual artifact (no MySQL driver is on the test class path)
        DatabaseCredentials mysql = DatabaseCredentials.of("jdbc:mysql://db.example:3306/shop", "etl", Secret.of("pw"));
        assertThatThrownBy(() -> SqlTasks.execute().run(mysql, SqlStatement.of("select 1")))
                .cause().isInstanceOf(SqlTaskException.class)
                .hasMessageEndingWith("no JDBC driver on the class path accepts jdbc:mysql: URLs; add com.mysql:mysql-connector-j"
                        + " (the usual driver for jdbc:mysql:) to the class path")
                .message().doesNotContain("check the URL");
    }

    @Test
    void poolConfigurationIsLoggedWithThePasswordMasked() {
        String pw = "hunter2-do-not-log";
        DatabaseCredentials creds = DatabaseCredentials.of("jdbc:h2:mem:logtest;DB_CLOSE_DELAY=-1", "sa", Secret.of(pw))
                .withDriverProperties(Map.of("sslpassword", "also-secret", "applicationName", "sluice-test"));
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SqlPools.dataSource(creds);
        } catch (SqlTaskException expected) {
            // H2 rejects the unknown driver properties; the pool was still configured and logged
        } finally {
            System.setErr(old);
            SqlPools.close(creds);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("opening pool").contains("password=<masked>").contains("sslpassword=<masked>")
                .contains("applicationName=sluice-test").doesNotContain(pw).doesNotContain("also-secret");
    }
}
