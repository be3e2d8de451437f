package dev.sluice.spring.boot;

import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.Worker;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import dev.sluice.spring.boot.internal.DefaultRuntime;
import dev.sluice.spring.boot.internal.HistorySwitch;
import dev.sluice.spring.boot.internal.Homes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Sluice in a Spring Boot application (tested with Spring Boot 4.0.7). Each bean
 * backs off when the application defines one of the same type:
 * <ul>
 * <li>{@link BlockStore}: the stores of {@code sluice.blocks.store};</li>
 * <li>{@link HistoryDatabase} and {@link History}: the run history, on {@code $SLUICE_HOME/sluice.db} (or
 * {@code $SLUICE_DATABASE_URL}, or a saved block named by {@code sluice.history.block}) by default, on
 * {@code spring.datasource.*} with {@code sluice.history.database=application}; none with
 * {@code sluice.history.enabled=false} (or the no-code history's switch, {@code -Dsluice.history=off} or
 * {@code SLUICE_HISTORY=off});</li>
 * <li>{@link SluiceRuntime}: blocks from {@code sluice.blocks.store}, runs recorded into the history and
 * into every other {@link RunRecorder} bean, cached results in the history's shared result store (or a
 * {@link ResultStore} bean); closed with the context, and the JVM's default runtime while the context is
 * open ({@code sluice.replace-default-runtime=false} keeps the default apart);</li>
 * <li>{@link DeploymentClient}: triggers, backfills and look-ups on the history's database;</li>
 * <li>{@link SluiceWorker}: a worker serving every {@link Deployment} bean, started after the context is
 * refreshed and stopped gracefully on shutdown; none when there is no deployment bean or with
 * {@code sluice.worker.enabled=false}; its runs are told to the {@link RunRecorder} beans as well;</li>
 * <li>{@link SluiceServer}: the dashboard, only with {@code sluice.server.enabled=true}.</li>
 * </ul>
 * Runtime extensions found on the class path are not used by this runtime (it is built with
 * {@link SluiceRuntime.Builder#withoutExtensions()}, so runs are not recorded twice): add what they add as
 * {@link RunRecorder} beans.
 */
@AutoConfiguration
@EnableConfigurationProperties(SluiceProperties.class)
public class SluiceAutoConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceAutoConfiguration.class);

    /** Created by Spring. */
    public SluiceAutoConfiguration() {
    }

    /**
     * Lets {@code -Dsluice.history=off} or {@code SLUICE_HISTORY=off}, the no-code history's switch, bind to
     * {@code sluice.history} (and turn the history off here too).
     */
    @Bean
    @ConfigurationPropertiesBinding
    static HistorySwitch sluiceHistorySwitch(Environment environment) {
        return new HistorySwitch(environment);
    }

    /**
     * Where the application's blocks are saved and loaded: the stores named by {@code sluice.blocks.store}, else
     * {@code sluice.blockStore} / {@code $SLUICE_BLOCK_STORE}, else {@code env,file} under the Sluice home.
     */
    @Bean
    @ConditionalOnMissingBean
    public BlockStore sluiceBlockStore(SluiceProperties properties) {
        return Homes.blockStore(properties.getHome(), properties.getBlocks().getStore());
    }

    /**
     * The run history's database: {@code spring.datasource.url}, {@code .username} and {@code .password}
     * with {@code sluice.history.database=application}; else the saved {@code history-database} block named by
     * {@code sluice.history.block} or {@code $SLUICE_DATABASE_BLOCK}, else {@code $SLUICE_DATABASE_URL}, else
     * the SQLite file {@code sluice.db} in the Sluice home.
     */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(HistorySwitch.class)
    public HistoryDatabase sluiceHistoryDatabase(SluiceProperties properties, Environment environment, BlockStore blockStore) {
        SluiceProperties.History settings = properties.getHistory();
        HistoryDatabase database;
        if (settings.getDatabase() == SluiceProperties.HistoryDatabaseSource.APPLICATION) {
            String url = environment.getProperty("spring.datasource.url");
            if (url == null || url.isBlank()) {
                throw new IllegalStateException("sluice.history.database=application needs spring.datasource.url "
                        + "(a jdbc:postgresql: or jdbc:sqlite: URL); set it, or sluice.history.database=default");
            }
            String user = environment.getProperty("spring.datasource.username", "");
            Secret password = Secret.of(environment.getProperty("spring.datasource.password", ""));
            try {
                database = HistoryDatabase.of(url.strip(), user, password);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("sluice.history.database=application: spring.datasource.url cannot hold "
                        + "the run history: " + e.getMessage(), e);
            }
        } else {
            Map<String, String> env = Homes.environment(properties.getHome(), properties.getBlocks().getStore());
            Path home = Homes.home(properties.getHome(), env);
            String block = settings.getBlock();
            if (block == null || block.isBlank()) {
                block = env.get(HistoryDatabase.BLOCK_VARIABLE);
            }
            if (block != null && !block.isBlank()) {
                String name = block.strip();
                try (SluiceRuntime lookup = SluiceRuntime.builder().withoutExtensions().environment(env).home(home)
                        .blockStore(blockStore).build()) {
                    database = lookup.call(() -> Blocks.load(HistoryDatabase.class, name));
                }
            } else {
                database = HistoryDatabase.fromEnvironment(env, home);
            }
        }
        database = database.withPoolSize(settings.getPoolSize());
        LOG.debug("Sluice run history on {}", database); // HistoryDatabase.toString masks the password
        return database;
    }

    /** The run history on the history database, closed (after writing what is queued) with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(HistoryDatabase.class)
    public History sluiceHistory(HistoryDatabase database) {
        return History.open(database);
    }

    /**
     * The runtime the application's flows run under: blocks from {@code sluice.blocks.store} (or a
     * {@link BlockStore} bean), runs recorded into the history and every {@link RunRecorder} bean (in their
     * order), cached results in the history's result store (or a {@link ResultStore} bean).
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SluiceRuntime sluiceRuntime(SluiceProperties properties, ObjectProvider<History> history,
            ObjectProvider<RunRecorder> recorders, ObjectProvider<BlockStore> blockStore,
            ObjectProvider<ResultStore> resultStore) {
        Map<String, String> env = Homes.environment(properties.getHome(), properties.getBlocks().getStore());
        Path home = Homes.home(properties.getHome(), env);
        SluiceRuntime.Builder builder = SluiceRuntime.builder().withoutExtensions().environment(env).home(home);
        builder.blockStore(blockStore.getIfAvailable(() -> Homes.blockStore(properties.getHome(), properties.getBlocks().getStore())));
        History h = history.getIfAvailable();
        if (h != null) {
            builder.recorder(h.recorder());
        }
        List<RunRecorder> extra = recorders.orderedStream().toList();
        extra.forEach(builder::recorder);
        ResultStore results = resultStore.getIfAvailable(() -> h != null ? h.resultStore() : null);
        if (results != null) {
            builder.resultStore(results);
        }
        SluiceRuntime runtime = builder.build();
        LOG.debug("Sluice runtime {}: history {}, {} more recorder(s)", runtime, h != null ? h.description() : "off",
                extra.size());
        return runtime;
    }

    /** Makes the runtime the JVM's default while the context is open. */
    @Bean
    @ConditionalOnProperty(prefix = "sluice", name = "replace-default-runtime", havingValue = "true", matchIfMissing = true)
    DefaultRuntime sluiceDefaultRuntime(SluiceRuntime runtime) {
        return new DefaultRuntime(runtime);
    }

    /** Triggers, backfills, cancels and look-ups of deployments on the history's database. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(HistoryDatabase.class)
    public DeploymentClient sluiceDeploymentClient(HistoryDatabase database) {
        return DeploymentClient.open(database);
    }

    /**
     * The worker serving every {@link Deployment} bean, started with the context. The served flows run under
     * the worker's own runtime, which records into the history on the same database, tells every
     * {@link RunRecorder} bean too, and loads blocks from the application runtime's block store and keeps its files
     * (the cache key of secret arguments, locally cached results) in that runtime's home, and caches results in the
     * {@link ResultStore} bean if there is one (else in the history's shared result store, as the runtime); every
     * {@link dev.sluice.scheduler.WorkerListener} bean is told when each run starts.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({HistoryDatabase.class, Deployment.class})
    @ConditionalOnProperty(prefix = "sluice.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
    public SluiceWorker sluiceWorker(SluiceProperties properties, HistoryDatabase database,
            ObjectProvider<Deployment> deployments, ObjectProvider<RunRecorder> recorders,
            ObjectProvider<dev.sluice.scheduler.WorkerListener> listeners, ObjectProvider<ResultStore> resultStore,
            SluiceRuntime runtime) {
        SluiceProperties.Worker settings = properties.getWorker();
        Worker.Builder builder = Worker.builder(database)
                .deployments(deployments.orderedStream().toList())
                .blockStore(runtime.blockStore())
                .home(runtime.home())
                .threads(settings.getThreads())
                .stopGrace(settings.getStopGrace());
        recorders.orderedStream().forEach(builder::recorder);
        listeners.orderedStream().forEach(builder::listener);
        resultStore.ifAvailable(builder::resultStore);
        String name = settings.getName();
        if (name != null && !name.isBlank()) {
            builder.name(name);
        }
        return SluiceWorker.of(builder);
    }

    /** The dashboard on {@code sluice.server.host}:{@code sluice.server.port}, stopped with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "sluice.server", name = "enabled", havingValue = "true")
    public SluiceServer sluiceServer(SluiceProperties properties, ObjectProvider<HistoryDatabase> databases,
            ObjectProvider<History> history, SluiceRuntime runtime) {
        HistoryDatabase database = databases.getIfAvailable();
        if (database == null) {
            // asked for, and it cannot be: say so at start rather than start without it
            throw new IllegalStateException("sluice.server.enabled=true needs the run history's database, and there is"
                    + " none: sluice.history.enabled is false; turn it on, or define a HistoryDatabase bean");
        }
        ServerOptions.Builder options = ServerOptions.builder()
                .database(database)
                .blockStore(runtime.blockStore())
                .host(properties.getServer().getHost())
                .port(properties.getServer().getPort())
                .printUrl(false);
        History h = history.getIfAvailable();
        if (h != null) {
            options.history(h, database);
        }
        SluiceServer server = SluiceServer.start(options.build());
        LOG.info("Sluice dashboard at {}", server.url());
        return server;
    }
}
