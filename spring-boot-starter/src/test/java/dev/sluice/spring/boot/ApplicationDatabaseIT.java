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
}
