package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.server.SluiceServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration's conditions and overrides, on real SQLite files in a temp folder. */
class SluiceAutoConfigurationTest {
    @TempDir
    Path home;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceHealthAutoConfiguration.class))
                .withPropertyValues("sluice.home=" + home);
    }

    @Test
    void byDefaultTheRuntimeRecordsIntoTheHomesSqliteFileAndIsTheJvmsDefaultWhileTheContextIsOpen() {
        SluiceRuntime before = SluiceRuntime.replaceDefault(null);
        try {
            SluiceRuntime[] seen = new SluiceRuntime[1];
            runner().run(context -> {
                assertThat(context).hasNotFailed()
                        .hasSingleBean(SluiceRuntime.class)
                        .hasSingleBean(History.class)
                        .hasSingleBean(DeploymentClient.class)
                        .hasBean("sluiceHealthIndicator")
                        .doesNotHaveBean(SluiceWorker.class)   // no Deployment bean
                        .doesNotHaveBean(SluiceServer.class);  // off unless enabled
                assertThat(context.getBean(HistoryDatabase.class).sqliteFile()).contains(home.resolve("sluice.db"));
                SluiceRuntime runtime = context.getBean(SluiceRuntime.class);
                seen[0] = runtime;
                assertThat(SluiceRuntime.defaults()).isSameAs(runtime);
                assertThat(runtime.home()).isEqualTo(home);

                int result = Flow.of("doubler", (Integer x) -> x * 2).run(21); // no runtime named: the default
                assertThat(result).isEqualTo(42);
                History history = context.getBean(History.class);
                assertThat(history.flush()).isTrue();
                assertThat(history.flowRuns(FlowRunQuery.all().flowName("doubler")).items())
                        .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(State.COMPLETED));
                assertThat(runtime.resultStore()).isSameAs(history.resultStore());
                Health health = context.getBean("sluiceHealthIndicator", HealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
            });
            assertThat(seen[0].isClosed()).isTrue();
            assertThat(SluiceRuntime.replaceDefault(null)).as("the default after the context closed").isNull();
        } finally {
            SluiceRuntime.replaceDefault(before);
        }
    }

    @Test
    void twoContextsInOneJvmLeaveNoClosedRuntimeAsTheDefaultWhicheverClosesFirst(@TempDir Path other) {
        SluiceRuntime before = SluiceRuntime.replaceDefault(null);
        try {
            for (boolean firstClosesFirst : new boolean[] {true, false}) {
                SluiceRuntime[] runtimes = new SluiceRuntime[2];
                runner().run(first -> {
                    runtimes[0] = first.getBean(SluiceRuntime.class);
                    runner().withPropertyValues("sluice.home=" + other).run(second -> {
                        runtimes[1] = second.getBean(SluiceRuntime.class);
                        assertThat(SluiceRuntime.defaults()).isSameAs(runtimes[1]);
                        if (firstClosesFirst) {
                            first.close();
                            assertThat(SluiceRuntime.defaults()).as("the open context's runtime").isSameAs(runtimes[1]);
                        }
                    });
                    if (!firstClosesFirst) {
                        assertThat(SluiceRuntime.defaults()).as("the open context's runtime").isSameAs(runtimes[0]);
                    }
                });
                assertThat(runtimes[0].isClosed()).isTrue();
                assertThat(runtimes[1].isClosed()).isTrue();
                assertThat(SluiceRuntime.replaceDefault(null)).as("the default once both closed (%s closed first)",
                        firstClosesFirst ? "the first" : "the second").isNull();
                // and so the next flow.run(...) gets a fresh default rather than a closed runtime's refusal
            }
        } finally {
            SluiceRuntime.replaceDefault(before);
        }
    }

    @Test
    void aValueOutOfRangeIsRefusedAtStartupNamingItsProperty() {
        for (String bad : List.of("sluice.history.pool-size=0", "sluice.history.pool-size=1", "sluice.worker.threads=0",
                "sluice.worker.threads=1001", "sluice.worker.stop-grace=0s", "sluice.worker.stop-grace=-1s",
                "sluice.server.port=-1", "sluice.server.port=65536", "sluice.server.host= ")) {
            String property = bad.substring(0, bad.indexOf('='));
            runner().withUserConfiguration(OneDeployment.class).withPropertyValues(bad, "sluice.replace-default-runtime=false")
                    .run(context -> assertThat(context).as(bad).hasFailed().getFailure()
                            .hasStackTraceContaining(property + " must be"));
        }
        runner().withUserConfiguration(OneDeployment.class).withPropertyValues("sluice.history.pool-size=2",
                "sluice.worker.threads=1000", "sluice.worker.stop-grace=1ms", "sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void withAMeterRegistryTheRunsTheWorkersFiringLagAndTheHistoryWriterAreMeasured() {
        ApplicationContextRunner measured = runner().withUserConfiguration(OneDeployment.class)
                .withConfiguration(AutoConfigurations.of(SluiceMetricsAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withPropertyValues("sluice.replace-default-runtime=false");
        measured.run(context -> {
                    assertThat(context).hasNotFailed().hasBean("sluiceMetricsRecorder").hasBean("sluiceMetricsListener");
                    io.micrometer.core.instrument.MeterRegistry registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    context.getBean(SluiceRuntime.class).run(Flow.of("greeter", (String who) -> "hello " + who), "spring");
                    assertThat(registry.get(dev.sluice.micrometer.SluiceMetrics.FLOW_RUNS).tag("flow", "greeter")
                            .tag("state", "COMPLETED").timer().count()).as("a run of the application's runtime").isEqualTo(1);

                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    String id = client.trigger("hello");
                    assertThat(client.awaitFinished(id, java.time.Duration.ofSeconds(60))).get()
                            .extracting(dev.sluice.scheduler.DeploymentRun::status).isEqualTo(dev.sluice.scheduler.RunStatus.COMPLETED);
                    assertThat(registry.get(dev.sluice.micrometer.SluiceMetrics.FLOW_RUNS).tag("flow", "hello")
                            .tag("state", "COMPLETED").timer().count()).as("a run of the worker").isEqualTo(1);
                    assertThat(registry.get(dev.sluice.micrometer.WorkerMetrics.LAG).tag("deployment", "hello").timer().count())
                            .isEqualTo(1);
                    assertThat(registry.get(dev.sluice.micrometer.HistoryMetrics.QUEUE).tag("writer", "history").gauge().value())
                            .isGreaterThanOrEqualTo(0);
                    // the worker's own history writer is watched too, apart from the application's
                    assertThat(registry.get(dev.sluice.micrometer.HistoryMetrics.RECORDED).tag("writer", "worker")
                            .functionCounter().count()).as("the worker's writer recorded its deployment run").isPositive();
                    assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString()).doesNotContain(id));
                });
        // the context stopped and started again: the new worker's history writer is the one watched, not the closed one
        measured.run(context -> {
                    io.micrometer.core.instrument.MeterRegistry registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
                    context.stop();
                    context.start();
                    assertThat(context.getBean(SluiceWorker.class).isRunning()).isTrue();
                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    assertThat(client.awaitFinished(client.trigger("hello"), java.time.Duration.ofSeconds(60))).get()
                            .extracting(dev.sluice.scheduler.DeploymentRun::status).isEqualTo(dev.sluice.scheduler.RunStatus.COMPLETED);
                    assertThat(registry.get(dev.sluice.micrometer.HistoryMetrics.RECORDED).tag("writer", "worker")
                            .functionCounter().count()).as("the restarted worker's writer").isPositive();
                });
        runner().withConfiguration(AutoConfigurations.of(SluiceMetricsAutoConfiguration.class))
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withPropertyValues("sluice.metrics.enabled=false", "sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("sluiceMetricsRecorder"));
        runner().withConfiguration(AutoConfigurations.of(SluiceMetricsAutoConfiguration.class))
                .withPropertyValues("sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).as("no MeterRegistry").hasNotFailed().doesNotHaveBean("sluiceMetricsRecorder"));
        runner().withConfiguration(AutoConfigurations.of(SluiceMetricsAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(dev.sluice.micrometer.SluiceMetrics.class))
                .withBean(io.micrometer.core.instrument.MeterRegistry.class,
                        io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)
                .withPropertyValues("sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).as("no sluice-micrometer").hasNotFailed().doesNotHaveBean("sluiceMetricsRecorder"));
    }

    @Test
    void everyRunRecorderBeanHearsTheRunsOfTheRuntime() {
        runner().withUserConfiguration(TwoRecorders.class).withPropertyValues("sluice.replace-default-runtime=false")
                .run(context -> {
                    SluiceRuntime runtime = context.getBean(SluiceRuntime.class);
                    assertThat(SluiceRuntime.defaults()).isNotSameAs(runtime);
                    runtime.run(Flow.of("greeter", (String who) -> "hello " + who), "spring");
                    TwoRecorders config = context.getBean(TwoRecorders.class);
                    assertThat(config.first).extracting(Object::toString).contains("greeter:COMPLETED");
                    assertThat(config.second).extracting(Object::toString).contains("greeter:COMPLETED");
                    History history = context.getBean(History.class);
                    history.flush();
                    assertThat(history.flowRuns(FlowRunQuery.all().flowName("greeter")).items()).hasSize(1);
                });
    }

    @Test
    void theApplicationsBeansReplaceTheStartersOwn() {
        runner().withUserConfiguration(OwnRuntimeAndBlocks.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(SluiceRuntime.class);
            assertThat(context.getBean(SluiceRuntime.class)).isSameAs(context.getBean(OwnRuntimeAndBlocks.class).runtime);
        });
        runner().withBean(BlockStore.class, BlockStore::inMemory).run(context ->
                assertThat(context.getBean(SluiceRuntime.class).blockStore()).isSameAs(context.getBean(BlockStore.class)));
    }

    @Test
    void withoutSpringBootHealthThereIsNoIndicatorAndNothingElseMisses() {
        runner().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(SluiceRuntime.class).hasSingleBean(History.class)
                        .doesNotHaveBean("sluiceHealthIndicator"));
    }

    @Test
    void blockStoresComeFromTheProperty() {
        runner().withPropertyValues("sluice.blocks.store=memory").run(context ->
                assertThat(context.getBean(SluiceRuntime.class).blockStore().description()).containsIgnoringCase("memory"));
    }

    @Test
    void theBlockStorePropertyComesBeforeTheNoCodeSystemPropertyAndAnUnknownStoreIsNamedByIt() {
        // the documented order: sluice.blocks.store, else the sluice.blockStore system property, else $SLUICE_BLOCK_STORE
        runner().withSystemProperties(BlockStore.STORE_PROPERTY + "=env").withPropertyValues("sluice.blocks.store=memory",
                "sluice.replace-default-runtime=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BlockStore.class).description()).containsIgnoringCase("memory");
                    assertThat(context.getBean(SluiceRuntime.class).blockStore().description()).containsIgnoringCase("memory");
                });
        runner().withPropertyValues("sluice.blocks.store=env,vault", "sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("sluice.blocks.store ('env,vault') names an unknown block store 'vault'"));
    }

    /** {@code sluice.home} (here a property; a {@code --sluice.home} argument alike) is the file block store's home too, before {@code -Dsluice.home}. */
    @Test
    void theHomePropertyIsTheFileBlockStoresHomeBeforeTheSystemProperty(@TempDir Path other) {
        runner().withSystemProperties("sluice.home=" + other).withPropertyValues("sluice.home=" + home,
                "sluice.replace-default-runtime=false", "sluice.history.enabled=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BlockStore.class).description()).contains(home.toString())
                            .doesNotContain(other.toString());
                });
    }

    /**
     * The served flows' runtime keeps its files in {@code sluice.home} too, not in {@code -Dsluice.home} (or
     * {@code ~/.sluice}): a task with a secret argument cached by the application is a hit for the worker.
     */
    @Test
    void theWorkersFlowsKeepTheirFilesInTheHomePropertyAndShareTheApplicationsCacheKeys(@TempDir Path other) {
        dev.sluice.Task<dev.sluice.block.Secret, String> lookup = dev.sluice.Task.of("lookup",
                (dev.sluice.block.Secret key) -> "value of " + key.reveal().length()).withCache(dev.sluice.cache.CachePolicy.inputs());
        dev.sluice.Flow0<String> keyed = Flow.of("keyed", () -> lookup.run(dev.sluice.block.Secret.of("fake-api-key-1234")));
        runner().withSystemProperties("sluice.home=" + other).withBean("keyed", Deployment.class, () -> Deployment.of(keyed))
                .withPropertyValues("sluice.replace-default-runtime=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SluiceRuntime.class).call(keyed::run)).isEqualTo("value of 17");
                    servedRunHitTheApplicationsCache(context, "keyed");
                    assertThat(home.resolve("cache-hmac.key")).exists();
                    assertThat(other.resolve("cache-hmac.key")).as("nothing in -Dsluice.home").doesNotExist();
                });
    }

    /** Triggers {@code deployment} (one cached task, already run by the application) and checks its run was a cache hit. */
    private static void servedRunHitTheApplicationsCache(org.springframework.context.ApplicationContext context, String deployment)
            throws InterruptedException {
        DeploymentClient client = context.getBean(DeploymentClient.class);
        dev.sluice.scheduler.DeploymentRun run = client.awaitFinished(client.trigger(deployment),
                java.time.Duration.ofSeconds(60)).orElseThrow();
        assertThat(run.status()).isEqualTo(dev.sluice.scheduler.RunStatus.COMPLETED);
        assertThat(context.getBean(History.class).flowRun(run.flowRun().orElseThrow())).hasValueSatisfying(d ->
                assertThat(d.taskRuns().items()).singleElement().satisfies(t ->
                        assertThat(t.state()).as("cached by the application's run").isEqualTo(State.CACHED)));
    }

    /** A {@code ResultStore} bean holds the served flows' cached results too, not only the application runtime's. */
    @Test
    void aResultStoreBeanIsWhereTheWorkersFlowsCacheToo() {
        dev.sluice.Task<String, Integer> measure = dev.sluice.Task.of("measure", (String s) -> s.length())
                .withCache(dev.sluice.cache.CachePolicy.inputs());
        dev.sluice.Flow0<Integer> measured = Flow.of("measured", () -> measure.run("warehouse"));
        dev.sluice.cache.ResultStore store = dev.sluice.cache.ResultStore.inMemory();
        runner().withBean(dev.sluice.cache.ResultStore.class, () -> store)
                .withBean("measured", Deployment.class, () -> Deployment.of(measured))
                .withPropertyValues("sluice.replace-default-runtime=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SluiceRuntime.class).resultStore()).isSameAs(store);
                    assertThat(context.getBean(SluiceRuntime.class).call(measured::run)).isEqualTo(9);
                    servedRunHitTheApplicationsCache(context, "measured");
                    assertThat(context.getBean(SluiceWorker.class).worker().orElseThrow().runtime().resultStore()).isSameAs(store);
                });
    }

    @Test
    void withoutHistoryThereIsNoDatabaseClientOrWorker() {
        runner().withUserConfiguration(OneDeployment.class).withPropertyValues("sluice.history.enabled=false")
                .run(context -> {
                    assertThat(context).hasNotFailed()
                            .hasSingleBean(SluiceRuntime.class)
                            .doesNotHaveBean(HistoryDatabase.class)
                            .doesNotHaveBean(History.class)
                            .doesNotHaveBean(DeploymentClient.class)
                            .doesNotHaveBean(SluiceWorker.class);
                    Health health = context.getBean("sluiceHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("history", "off");
                });
        runner().withPropertyValues("sluice.history.enabled=false", "sluice.server.enabled=true", "sluice.server.port=0")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContainingAll("sluice.server.enabled=true needs the run history's database",
                                "sluice.history.enabled is false"));
    }

    @Test
    void theNoCodeHistorysSwitchTurnsTheHistoryOffHereToo() {
        // -Dsluice.history=off and SLUICE_HISTORY=off are both the property sluice.history to Spring
        runner().withSystemProperties("sluice.history=off").run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(SluiceRuntime.class).doesNotHaveBean(History.class).doesNotHaveBean(HistoryDatabase.class));
        runner().withPropertyValues("sluice.history=on").run(context -> assertThat(context).hasNotFailed()
                .hasSingleBean(History.class));
    }

    @Test
    void theNoCodeHistorysSwitchSetOnLeavesTheHistorysPropertiesInForce() {
        // SLUICE_HISTORY=on in the environment is the property sluice.history: the sluice.history.* settings still count
        Path file = home.resolve("app.db");
        runner().withSystemProperties("sluice.history=on").withPropertyValues("sluice.history.database=application",
                "spring.datasource.url=jdbc:sqlite:" + file, "sluice.history.pool-size=3",
                "sluice.replace-default-runtime=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    HistoryDatabase db = context.getBean(HistoryDatabase.class);
                    assertThat(db.sqliteFile()).as("the application's database, not the home's file").contains(file);
                    assertThat(db.poolSize()).isEqualTo(3);
                    assertThat(context.getBean(SluiceProperties.class).getHistory().getDatabase())
                            .isEqualTo(SluiceProperties.HistoryDatabaseSource.APPLICATION);
                });
        // off wins over the settings, as documented
        runner().withSystemProperties("sluice.history=off").withPropertyValues("sluice.history.pool-size=3",
                "sluice.history.enabled=true", "sluice.replace-default-runtime=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(History.class)
                        .doesNotHaveBean(HistoryDatabase.class));
    }

    @Test
    void aDeploymentRunThatFinishedIsInTheHistoryWithItsTaskRunsAtOnce() {
        runner().withUserConfiguration(OneDeployment.class).withPropertyValues("sluice.replace-default-runtime=false")
                .run(context -> {
                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    History history = context.getBean(History.class);
                    for (int i = 0; i < 10; i++) {
                        dev.sluice.scheduler.DeploymentRun run = client.awaitFinished(client.trigger("hello"),
                                java.time.Duration.ofSeconds(60)).orElseThrow();
                        assertThat(run.status()).isEqualTo(dev.sluice.scheduler.RunStatus.COMPLETED);
                        // no flush, no polling: awaitFinished came back, so the flow run is in the history as it ended
                        assertThat(history.flowRun(run.flowRun().orElseThrow())).as("run %d", i).hasValueSatisfying(d -> {
                            assertThat(d.run().state()).isEqualTo(State.COMPLETED);
                            assertThat(d.taskRuns().items()).singleElement()
                                    .satisfies(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
                        });
                    }
                });
    }

    @Test
    void aDeploymentBeanGetsAWorkerUnlessTurnedOff() {
        runner().withUserConfiguration(OneDeployment.class).withPropertyValues("sluice.worker.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SluiceWorker.class));
    }

    @Test
    void aStaleHeartbeatIsDownAndAStoppedWorkerOutOfService() {
        runner().withUserConfiguration(OneDeployment.class).withPropertyValues("sluice.health.stale-heartbeat-after=1ms")
                .run(context -> {
                    SluiceWorker worker = context.getBean(SluiceWorker.class);
                    assertThat(worker.isRunning()).isTrue();
                    HealthIndicator indicator = context.getBean("sluiceHealthIndicator", HealthIndicator.class);
                    Health stale = indicator.health();
                    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                    while (!stale.getStatus().equals(Status.DOWN) && System.nanoTime() < deadline) {
                        stale = indicator.health(); // a check within 1 ms of a heartbeat would still see it fresh
                    }
                    assertThat(stale.getStatus()).as("%s", stale).isEqualTo(Status.DOWN);
                    assertThat(String.valueOf(stale.getDetails().get("worker"))).contains("no heartbeat in the last");

                    worker.stop();
                    assertThat(worker.worker()).isEmpty();
                    Health stopped = indicator.health();
                    assertThat(stopped.getStatus()).as("%s", stopped).isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(stopped.getDetails()).containsEntry("worker", "not running");
                });
    }

    @Test
    void historyOnTheApplicationsDatabaseTakesSpringDatasourceAndShowsThePasswordNowhere() {
        String password = "fake-test-password-5150";
        Path file = home.resolve("app.db");
        runner().withPropertyValues("sluice.history.database=application", "spring.datasource.url=jdbc:sqlite:" + file,
                "spring.datasource.username=app", "spring.datasource.password=" + password).run(context -> {
                    assertThat(context).hasNotFailed();
                    HistoryDatabase db = context.getBean(HistoryDatabase.class);
                    assertThat(db.url()).isEqualTo("jdbc:sqlite:" + file);
                    assertThat(db.user()).isEqualTo("app");
                    assertThat(db.password().reveal()).isEqualTo(password);
                    assertThat(db.toString()).doesNotContain(password);
                    assertThat(context.getBean(History.class).description()).doesNotContain(password);
                    Health health = context.getBean("sluiceHealthIndicator", HealthIndicator.class).health();
                    assertThat(health.toString()).doesNotContain(password);
                    assertThat(context.getBean(SluiceProperties.class).toString()).doesNotContain(password);
                });
    }

    @Test
    void historyOnTheApplicationsSqliteFileThatHasTablesOfItsOwn() throws Exception {
        Path file = home.resolve("shop.db");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                java.sql.Statement s = c.createStatement()) {
            s.execute("create table customer (id integer primary key, name text not null)");
        }
        runner().withPropertyValues("sluice.history.database=application", "spring.datasource.url=jdbc:sqlite:" + file,
                "sluice.replace-default-runtime=false").run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(SluiceRuntime.class).run(Flow.of("beside", (String s) -> s.length()), "abc");
                    History history = context.getBean(History.class);
                    assertThat(history.flush()).isTrue();
                    assertThat(history.flowRuns(FlowRunQuery.all().flowName("beside")).items()).hasSize(1);
                });
    }

    @Test
    void historyOnASavedBlockFromTheBlockStore() {
        BlockStore store = BlockStore.inMemory();
        Path file = home.resolve("from-block.db");
        try (SluiceRuntime saving = SluiceRuntime.builder().withoutExtensions().blockStore(store).build()) {
            saving.run(() -> Blocks.save("ops-history", HistoryDatabase.sqlite(file)));
        }
        runner().withBean(BlockStore.class, () -> store).withPropertyValues("sluice.history.block=ops-history")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(HistoryDatabase.class).sqliteFile()).contains(file);
                    assertThat(context.getBean(SluiceRuntime.class).blockStore()).isSameAs(store);
                });
        runner().withBean(BlockStore.class, () -> store).withPropertyValues("sluice.history.block=missing")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("missing").hasStackTraceContaining("ops-history"));
    }

    @Test
    void historyOnTheApplicationsDatabaseNeedsItsUrl() {
        runner().withPropertyValues("sluice.history.database=application").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("sluice.history.database=application needs spring.datasource.url"));
        runner().withPropertyValues("sluice.history.database=application", "spring.datasource.url=jdbc:h2:mem:app")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("spring.datasource.url cannot hold the run history")
                        .hasStackTraceContaining("url must start with 'jdbc:sqlite:' or 'jdbc:postgresql:'"));
    }

    /** Two recorders, which the runtime tells of every state change in order. */
    @Configuration(proxyBeanMethods = false)
    static class TwoRecorders {
        final List<String> first = new CopyOnWriteArrayList<>();
        final List<String> second = new CopyOnWriteArrayList<>();

        @Bean
        RunRecorder firstRecorder() {
            return (Run run, StateChange change) -> first.add(run.definitionName() + ":" + change.state());
        }

        @Bean
        RunRecorder secondRecorder() {
            return (Run run, StateChange change) -> second.add(run.definitionName() + ":" + change.state());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRuntimeAndBlocks {
        final SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().blockStore(BlockStore.inMemory()).build();

        @Bean
        SluiceRuntime ownRuntime() {
            return runtime;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OneDeployment {
        @Bean
        Deployment hello() {
            return Deployment.of(Flow.of("hello", () -> dev.sluice.Task.of("greet", () -> "hello").run()));
        }
    }
}
