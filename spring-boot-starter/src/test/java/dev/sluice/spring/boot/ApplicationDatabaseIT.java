package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.RunStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** History and deployments on the application's own database ({@code spring.datasource.*}): a real PostgreSQL. */
class ApplicationDatabaseIT {
    static final String PASSWORD = "fake-pg-password-not-real";
    static EmbeddedPostgres pg;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @Test
    void runsAndDeploymentsGoToTheApplicationsPostgresql() {
        String url = pg.getJdbcUrl("postgres", "postgres");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withBean("nightly", Deployment.class, () -> Deployment.of(Flow.of("nightly", () -> 7)))
                .withPropertyValues("sluice.home=" + home, "sluice.history.database=application",
                        "spring.datasource.url=" + url, "spring.datasource.username=postgres",
                        "spring.datasource.password=" + PASSWORD)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SluiceWorker.class);
                    HistoryDatabase db = context.getBean(HistoryDatabase.class);
                    assertThat(db.url()).isEqualTo(url);
                    assertThat(db.isSqlite()).isFalse();

                    SluiceRuntime runtime = context.getBean(SluiceRuntime.class);
                    assertThat(runtime.run(Flow.of("on-postgres", (String s) -> s.length()), "abc")).isEqualTo(3);
                    History history = context.getBean(History.class);
                    assertThat(history.flush()).isTrue();
                    assertThat(history.flowRuns(FlowRunQuery.all().flowName("on-postgres")).items())
                            .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));

                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    String id = client.trigger("nightly");
                    assertThat(client.awaitFinished(id, Duration.ofSeconds(60)))
                            .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED));

                    Health health = context.getBean("sluiceHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.getStatus()).as("%s", health).isEqualTo(Status.UP);
                    assertThat(health.toString()).contains("jdbc:postgresql:").doesNotContain(PASSWORD);
                    assertThat(history.description()).doesNotContain(PASSWORD);
                });
    }

    @Test
    void theApplicationsDatabaseWithItsOwnTablesTakesTheHistoryBesideThem() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database shop");
        }
        try (Connection c = pg.getDatabase("postgres", "shop").getConnection(); Statement s = c.createStatement()) {
            // the application's own tables, and its own Flyway's table of applied migrations
            s.execute("create table customer (id bigint primary key, name text not null)");
            s.execute("insert into customer values (1, 'Ada')");
            s.execute("create table flyway_schema_history (installed_rank int primary key, version varchar(50))");
        }
        String url = pg.getJdbcUrl("postgres", "shop");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withBean("nightly", Deployment.class, () -> Deployment.of(Flow.of("nightly", () -> 7)))
                .withPropertyValues("sluice.home=" + home, "sluice.history.database=application",
                        "spring.datasource.url=" + url, "spring.datasource.username=postgres",
                        "spring.datasource.password=" + PASSWORD, "sluice.replace-default-runtime=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SluiceRuntime runtime = context.getBean(SluiceRuntime.class);
                    assertThat(runtime.run(Flow.of("beside", (String s) -> s.length()), "abc")).isEqualTo(3);
                    History history = context.getBean(History.class);
                    assertThat(history.flush()).isTrue();
                    assertThat(history.flowRuns(FlowRunQuery.all().flowName("beside")).items()).hasSize(1);
                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    assertThat(client.awaitFinished(client.trigger("nightly"), Duration.ofSeconds(60)))
                            .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(RunStatus.COMPLETED));
                });
        try (Connection c = pg.getDatabase("postgres", "shop").getConnection(); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select name from customer where id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).as("the application's data is left as it was").isEqualTo("Ada");
        }
    }

    @Test
    void aHistoryThatCannotWriteToTheApplicationsDatabaseIsDown() throws Exception {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database broken");
        }
        String url = pg.getJdbcUrl("postgres", "broken");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withPropertyValues("sluice.home=" + home, "sluice.history.database=application",
                        "spring.datasource.url=" + url, "spring.datasource.username=postgres",
                        "spring.datasource.password=" + PASSWORD)
                .run(context -> {
                    SluiceRuntime runtime = context.getBean(SluiceRuntime.class);
                    History history = context.getBean(History.class);
                    HealthIndicator indicator = context.getBean("sluiceHealthIndicator", HealthIndicator.class);
                    runtime.run(Flow.of("before", (Integer x) -> x), 1);
                    assertThat(history.flush()).isTrue();
                    assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

                    // someone takes the table away: the writer's batches fail for good
                    try (Connection c = pg.getDatabase("postgres", "broken").getConnection(); Statement s = c.createStatement()) {
                        s.execute("alter table flow_run rename to flow_run_moved");
                    }
                    runtime.run(Flow.of("after", (Integer x) -> x), 2);
                    history.flush();
                    Health health = indicator.health();
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (health.getStatus().equals(Status.UP) && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                        health = indicator.health();
                    }
                    assertThat(health.getStatus()).as("%s", health).isEqualTo(Status.DOWN);
                    assertThat(String.valueOf(health.getDetails().get("history")))
                            .contains("records lost").contains("flow_run").doesNotContain(PASSWORD);
                    assertThat(history.stats().writeFailures()).isPositive();

                    try (Connection c = pg.getDatabase("postgres", "broken").getConnection(); Statement s = c.createStatement()) {
                        s.execute("alter table flow_run_moved rename to flow_run");
                    }
                });
    }

    @Test
    void withTheDatabaseDownTheHealthCheckAnswersDownWithinAProbesPatience() throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.builder().start();
        String url = own.getJdbcUrl("postgres", "postgres");
        try {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                    .withBean("nightly", Deployment.class, () -> Deployment.of(Flow.of("nightly", () -> 7)))
                    .withPropertyValues("sluice.home=" + home, "sluice.history.database=application",
                            "spring.datasource.url=" + url, "spring.datasource.username=postgres",
                            "spring.datasource.password=" + PASSWORD)
                    .run(context -> {
                        HealthIndicator indicator = context.getBean("sluiceHealthIndicator", HealthIndicator.class);
                        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                        own.close(); // the database goes away
                        for (int i = 0; i < 3; i++) {
                            long start = System.nanoTime();
                            Health health = indicator.health();
                            Duration took = Duration.ofNanos(System.nanoTime() - start);
                            assertThat(health.getStatus()).as("%s", health).isEqualTo(Status.DOWN);
                            assertThat(took).as("a probe gives up after a few seconds").isLessThan(Duration.ofSeconds(5));
                            assertThat(health.toString()).doesNotContain(PASSWORD);
                        }
                    });
        } finally {
            own.close();
        }
    }

    @Test
    void withoutAWorkerTheHealthIsDownWhileTheHistorysDatabaseIsStoppedAndUpOnceItIsBack() throws Exception {
        java.nio.file.Path data = home.resolve("pg-data");
        EmbeddedPostgres own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = own.getPort();
        String url = own.getJdbcUrl("postgres", "postgres");
        EmbeddedPostgres[] again = new EmbeddedPostgres[1];
        try {
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                    .withPropertyValues("sluice.home=" + home, "sluice.history.database=application",
                            "spring.datasource.url=" + url, "spring.datasource.username=postgres",
                            "spring.datasource.password=" + PASSWORD, "sluice.replace-default-runtime=false")
                    .run(context -> {
                        assertThat(context).hasNotFailed().doesNotHaveBean(SluiceWorker.class);
                        HealthIndicator indicator = context.getBean("sluiceHealthIndicator", HealthIndicator.class);
                        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
                        own.close(); // the database goes away while nothing is being recorded
                        for (int i = 0; i < 2; i++) {
                            long start = System.nanoTime();
                            Health health = indicator.health();
                            assertThat(health.getStatus()).as("%s", health).isEqualTo(Status.DOWN);
                            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                            assertThat(String.valueOf(health.getDetails().get("history"))).contains("problem");
                            assertThat(health.toString()).doesNotContain(PASSWORD);
                        }
                        again[0] = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                                .setPort(port).start();
                        Health health = indicator.health();
                        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                        while (!health.getStatus().equals(Status.UP) && System.nanoTime() < deadline) {
                            Thread.sleep(100);
                            health = indicator.health();
                        }
                        assertThat(health.getStatus()).as("back: %s", health).isEqualTo(Status.UP);
                    });
        } finally {
            own.close();
            if (again[0] != null) {
                again[0].close();
            }
        }
    }

    @Test
    void aHealthDurationThatIsNotPositiveIsRefusedAtStartup() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withPropertyValues("sluice.home=" + home, "sluice.health.stale-heartbeat-after=-5s")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("sluice.health.stale-heartbeat-after must be a positive duration"));
    }
}
