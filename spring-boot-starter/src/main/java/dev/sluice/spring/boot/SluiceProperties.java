package dev.sluice.spring.boot;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The "sluice.*" properties of the Spring Boot starter. Nothing here holds a secret: the history
 * on the application's database takes its password from "spring.datasource.password" straight into
 * a {@link dev.sluice.block.Secret}, and block secrets stay in the block store.
 */
@ConfigurationProperties(prefix = "sluice")
public class SluiceProperties {
    /**
     * The folder Sluice keeps its files in (blocks, keys, cached results, the default history file);
     * default: the "sluice.home" system property, else "$SLUICE_HOME", else "~/.sluice".
     */
    private @Nullable Path home;

    /**
     * Whether the runtime the starter builds becomes the JVM's default ("SluiceRuntime.defaults()"),
     * so "flow.run(...)" anywhere in the application runs under it; the previous default comes back
     * when the context closes.
     */
    private boolean replaceDefaultRuntime = true;

    private final Blocks blocks = new Blocks();
    private History history = new History();
    private final Worker worker = new Worker();
    private final Server server = new Server();
    private final Health health = new Health();
    private final Metrics metrics = new Metrics();

    /** Creates the properties with their defaults. */
    public SluiceProperties() {
    }

    /** The folder Sluice keeps its files in; null for the default. */
    public @Nullable Path getHome() {
        return home;
    }

    /** Sets the folder Sluice keeps its files in. */
    public void setHome(@Nullable Path home) {
        this.home = home;
    }

    /** Whether the starter's runtime becomes the JVM's default. */
    public boolean isReplaceDefaultRuntime() {
        return replaceDefaultRuntime;
    }

    /** Sets whether the starter's runtime becomes the JVM's default. */
    public void setReplaceDefaultRuntime(boolean replaceDefaultRuntime) {
        this.replaceDefaultRuntime = replaceDefaultRuntime;
    }

    /** Where blocks are stored. */
    public Blocks getBlocks() {
        return blocks;
    }

    /** The run history. */
    public History getHistory() {
        return history;
    }

    /** Sets the run history's settings (as "sluice.history=off", the no-code history's switch, does). */
    public void setHistory(History history) {
        this.history = java.util.Objects.requireNonNull(history, "history");
    }

    /** The worker serving the "Deployment" beans. */
    public Worker getWorker() {
        return worker;
    }

    /** The dashboard. */
    public Server getServer() {
        return server;
    }

    /** The health indicator. */
    public Health getHealth() {
        return health;
    }

    /** The Micrometer binding. */
    public Metrics getMetrics() {
        return metrics;
    }

    /** Runs, firing lag and the history writer as Micrometer meters, when sluice-micrometer and a MeterRegistry are there. */
    public static class Metrics {
        /** Whether runs, firing lag and the history writer are measured in the application's MeterRegistry. */
        private boolean enabled = true;

        /** Creates the settings with their defaults. */
        public Metrics() {
        }

        /** Whether the meters are bound. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether the meters are bound. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Where the application's blocks are saved and loaded. */
    public static class Blocks {
        /**
         * The block stores, tried in order, as "SLUICE_BLOCK_STORE" takes them: a comma-separated
         * list of "env", "file", "memory" or a provider's name; default: the
         * "sluice.blockStore" system property, else "$SLUICE_BLOCK_STORE", else "env,file".
         */
        private @Nullable String store;

        /** Creates the settings with their defaults. */
        public Blocks() {
        }

        /** The block stores; null for the default. */
        public @Nullable String getStore() {
            return store;
        }

        /** Sets the block stores. */
        public void setStore(@Nullable String store) {
            this.store = store;
        }
    }

    /** Which database the run history is kept in. */
    public enum HistoryDatabaseSource {
        /**
         * The saved block named by "sluice.history.block" or "$SLUICE_DATABASE_BLOCK", else
         * "$SLUICE_DATABASE_URL" (with "SLUICE_DATABASE_USER" and "SLUICE_DATABASE_PASSWORD")
         * if set, else the SQLite file "sluice.db" in the Sluice home.
         */
        DEFAULT,
        /**
         * The application's database: "spring.datasource.url", "spring.datasource.username" and
         * "spring.datasource.password" (PostgreSQL or a SQLite file).
         */
        APPLICATION
    }

    /** The run history. */
    public static class History {
        /** Whether runs are recorded in a history (and deployments served, which need one). */
        private boolean enabled = true;

        /** Which database: "default" (the Sluice home's SQLite file or $SLUICE_DATABASE_URL) or "application" (spring.datasource.*). */
        private HistoryDatabaseSource database = HistoryDatabaseSource.DEFAULT;

        /**
         * With database "default": the name of a saved "history-database" block to keep the history in (as
         * "SLUICE_DATABASE_BLOCK" names one); default: "$SLUICE_DATABASE_BLOCK", else "$SLUICE_DATABASE_URL",
         * else the Sluice home's SQLite file.
         */
        private @Nullable String block;

        /** The most connections the history keeps open (at least 2). */
        private int poolSize = 4;

        /** Creates the settings with their defaults. */
        public History() {
        }

        /** Whether runs are recorded in a history. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether runs are recorded in a history. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** Which database the history is kept in. */
        public HistoryDatabaseSource getDatabase() {
            return database;
        }

        /** Sets which database the history is kept in. */
        public void setDatabase(HistoryDatabaseSource database) {
            this.database = database;
        }

        /** The name of a saved history-database block; null for none. */
        public @Nullable String getBlock() {
            return block;
        }

        /** Sets the name of a saved history-database block. */
        public void setBlock(@Nullable String block) {
            this.block = block;
        }

        /** The most connections the history keeps open. */
        public int getPoolSize() {
            return poolSize;
        }

        /** Sets the most connections the history keeps open; at least 2. */
        public void setPoolSize(int poolSize) {
            if (poolSize < 2) {
                throw new IllegalArgumentException("sluice.history.pool-size must be at least 2, was " + poolSize);
            }
            this.poolSize = poolSize;
        }
    }

    /** The worker that serves every "Deployment" bean (none is started when there is no such bean). */
    public static class Worker {
        /** Whether a worker serves the application's "Deployment" beans. */
        private boolean enabled = true;

        /** The worker's name, shown on the dashboard's workers page; default: host and pid. */
        private @Nullable String name;

        /** How many runs the worker runs at once (1 to 1000). */
        private int threads = 10;

        /** How long running runs may go on after shutdown begins before they are handed back. */
        private Duration stopGrace = Duration.ofSeconds(20);

        /** Creates the settings with their defaults. */
        public Worker() {
        }

        /** Whether a worker serves the "Deployment" beans. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether a worker serves the "Deployment" beans. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The worker's name; null for host and pid. */
        public @Nullable String getName() {
            return name;
        }

        /** Sets the worker's name. */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** How many runs the worker runs at once. */
        public int getThreads() {
            return threads;
        }

        /** Sets how many runs the worker runs at once; 1 to 1000. */
        public void setThreads(int threads) {
            if (threads < 1 || threads > 1000) {
                throw new IllegalArgumentException("sluice.worker.threads must be between 1 and 1000, was " + threads);
            }
            this.threads = threads;
        }

        /** How long running runs may go on after shutdown begins. */
        public Duration getStopGrace() {
            return stopGrace;
        }

        /** Sets how long running runs may go on after shutdown begins; positive. */
        public void setStopGrace(Duration stopGrace) {
            this.stopGrace = Health.positive("sluice.worker.stop-grace", stopGrace);
        }
    }

    /** The dashboard and JSON API ("sluice-server"), off unless enabled. */
    public static class Server {
        /** Whether the dashboard is started with the application. */
        private boolean enabled = false;

        /** The address the dashboard binds; a non-loopback address needs API keys. */
        private String host = "127.0.0.1";

        /** The dashboard's port; 0 for any free port. */
        private int port = 4200;

        /** Creates the settings with their defaults. */
        public Server() {
        }

        /** Whether the dashboard is started. */
        public boolean isEnabled() {
            return enabled;
        }

        /** Sets whether the dashboard is started. */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** The address the dashboard binds. */
        public String getHost() {
            return host;
        }

        /** Sets the address the dashboard binds; not blank. */
        public void setHost(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("sluice.server.host must be an address or host name (such as 127.0.0.1),"
                        + " was blank");
            }
            this.host = host.strip();
        }

        /** The dashboard's port. */
        public int getPort() {
            return port;
        }

        /** Sets the dashboard's port; 0 to 65535. */
        public void setPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("sluice.server.port must be between 0 and 65535 (0: any free port), was "
                        + port);
            }
            this.port = port;
        }
    }

    /** The "sluice" health indicator. */
    public static class Health {
        /** How old the worker's last heartbeat may be before the indicator reports DOWN. */
        private Duration staleHeartbeatAfter = Duration.ofSeconds(30);

        /** How long a lost history record (DOWN) or a failed history write (OUT_OF_SERVICE) keeps showing. */
        private Duration problemWindow = Duration.ofMinutes(5);

        /** Creates the settings with their defaults. */
        public Health() {
        }

        /** How old the worker's last heartbeat may be. */
        public Duration getStaleHeartbeatAfter() {
            return staleHeartbeatAfter;
        }

        /** Sets how old the worker's last heartbeat may be; positive. */
        public void setStaleHeartbeatAfter(Duration staleHeartbeatAfter) {
            this.staleHeartbeatAfter = positive("sluice.health.stale-heartbeat-after", staleHeartbeatAfter);
        }

        /** How long a history problem keeps showing. */
        public Duration getProblemWindow() {
            return problemWindow;
        }

        /** Sets how long a history problem keeps showing; positive. */
        public void setProblemWindow(Duration problemWindow) {
            this.problemWindow = positive("sluice.health.problem-window", problemWindow);
        }

        static Duration positive(String property, Duration value) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(property + " must be a positive duration (such as 30s), was " + value);
            }
            return value;
        }
    }
}
