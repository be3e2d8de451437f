package dev.sluice.server;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link SluiceServer} starts: its address, its database, its block store and its security
 * settings. Immutable; made with {@link #builder()}, changed with {@link #toBuilder()}.
 *
 * <pre>{@code
 * ServerOptions options = ServerOptions.builder()
 *         .database(HistoryDatabase.of("jdbc:postgresql://db/sluice", "sluice", Secret.of(password)))
 *         .host("0.0.0.0")            // refused unless API keys exist
 *         .port(4200)
 *         .build();
 * }</pre>
 */
public final class ServerOptions {
    /** The default address: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The default port. */
    public static final int DEFAULT_PORT = 4200;

    private final String host;
    private final int port;
    private final @Nullable HistoryDatabase database;
    private final @Nullable History history;
    private final @Nullable BlockStore blockStore;
    private final boolean requireApiKeys;
    private final Duration sessionTimeout;
    private final int loginAttemptsPerMinute;
    private final Clock clock;
    private final boolean printUrl;
    private final boolean secureCookies;
    private final Duration listCache;
    private final Duration staleWorkerAfter;
    private final int threads;
    private final java.util.List<String> allowedHosts;

    private ServerOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.database = b.database;
        this.history = b.history;
        this.blockStore = b.blockStore;
        this.requireApiKeys = b.requireApiKeys;
        this.sessionTimeout = b.sessionTimeout;
        this.loginAttemptsPerMinute = b.loginAttemptsPerMinute;
        this.clock = b.clock;
        this.printUrl = b.printUrl;
        this.secureCookies = b.secureCookies;
        this.listCache = b.listCache;
        this.staleWorkerAfter = b.staleWorkerAfter;
        this.threads = b.threads;
        this.allowedHosts = b.allowedHosts;
    }

    /** A builder with the defaults: {@code 127.0.0.1:4200}, the database of the environment, the configured block store. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.database = database;
        b.history = history;
        b.blockStore = blockStore;
        b.requireApiKeys = requireApiKeys;
        b.sessionTimeout = sessionTimeout;
        b.loginAttemptsPerMinute = loginAttemptsPerMinute;
        b.clock = clock;
        b.printUrl = printUrl;
        b.secureCookies = secureCookies;
        b.listCache = listCache;
        b.staleWorkerAfter = staleWorkerAfter;
        b.threads = threads;
        b.allowedHosts = allowedHosts;
        return b;
    }

    /** The address to bind. */
    public String host() {
        return host;
    }

    /** The port to bind (0: any free port). */
    public int port() {
        return port;
    }

    /**
     * The database of the runs and the API keys: the one given, else the environment's, as the history finds
     * it: the saved {@code history-database} block named by {@code SLUICE_DATABASE_BLOCK} (from
     * {@link #blockStore()}), else {@link HistoryDatabase#fromEnvironment} ({@code SLUICE_DATABASE_URL}, else
     * {@code $SLUICE_HOME/sluice.db}).
     *
     * @throws dev.sluice.block.BlockNotFoundException if {@code SLUICE_DATABASE_BLOCK} names no saved block
     */
    public HistoryDatabase database() {
        // a runtime without extensions only to resolve the home and environment: the history extension would
        // open a history of its own in this JVM
        return databaseFrom(null);
    }

    /** {@link #database()} with {@code environment} instead of the process's (null: the process's). */
    HistoryDatabase databaseFrom(java.util.@Nullable Map<String, String> environment) {
        if (database != null) {
            return database;
        }
        SluiceRuntime.Builder builder = SluiceRuntime.builder().withoutExtensions().blockStore(blockStore());
        if (environment != null) {
            builder.environment(environment);
        }
        try (SluiceRuntime resolved = builder.build()) {
            return HistoryDatabase.of(resolved);
        }
    }

    /** An open history the server reads instead of opening its own (it must be on {@link #database()}). */
    public Optional<History> history() {
        return Optional.ofNullable(history);
    }

    /** The block store the blocks page shows: the one given, else {@link BlockStore#fromConfiguration()}. */
    public BlockStore blockStore() {
        return blockStore != null ? blockStore : BlockStore.fromConfiguration();
    }

    /** Whether a key is needed even on loopback when no key exists yet (then nobody gets in until one is created). */
    public boolean requireApiKeys() {
        return requireApiKeys;
    }

    /** How long a dashboard login lasts without use. */
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How many failed logins one address may make a minute before it is refused for the rest of it. */
    public int loginAttemptsPerMinute() {
        return loginAttemptsPerMinute;
    }

    /** The clock of sessions, charts and time filters. */
    public Clock clock() {
        return clock;
    }

    /** Whether {@link SluiceServer#start} prints the URL on standard output. */
    public boolean printUrl() {
        return printUrl;
    }

    /** Whether cookies carry {@code Secure} on every answer (behind a proxy that terminates TLS). */
    public boolean secureCookies() {
        return secureCookies;
    }

    /** How long a page of runs, once read, answers requests with the same filters. */
    public Duration listCache() {
        return listCache;
    }

    /** How old a worker's last heartbeat may be before the workers page marks it stale. */
    public Duration staleWorkerAfter() {
        return staleWorkerAfter;
    }

    /** The most threads that answer requests at once. */
    public int threads() {
        return threads;
    }

    /**
     * Host names, besides the bound address, {@code localhost}, {@code 127.0.0.1} and {@code [::1]}, that requests may
     * name in their {@code Host} header (see {@link Builder#allowedHosts}).
     */
    public java.util.List<String> allowedHosts() {
        return allowedHosts;
    }

    @Override
    public String toString() {
        return "ServerOptions[host=" + host + ", port=" + port + ", database="
                + (database == null ? "from the environment" : database.redactedUrl()) + ", requireApiKeys="
                + requireApiKeys + ", sessionTimeout=" + sessionTimeout + ", listCache=" + listCache + ", threads=" + threads
                + ", secureCookies=" + secureCookies + ", allowedHosts=" + allowedHosts + "]";
    }

    /** Builds {@link ServerOptions}; every setter checks its value and names it when it is wrong. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private @Nullable HistoryDatabase database;
        private @Nullable History history;
        private @Nullable BlockStore blockStore;
        private boolean requireApiKeys;
        private Duration sessionTimeout = Duration.ofHours(12);
        private int loginAttemptsPerMinute = 10;
        private Clock clock = Clock.systemUTC();
        private boolean printUrl = true;
        private boolean secureCookies;
        private Duration listCache = Duration.ofSeconds(1);
        private Duration staleWorkerAfter = Duration.ofSeconds(30);
        private int threads = defaultThreads();
        private java.util.List<String> allowedHosts = java.util.List.of();

        private static int defaultThreads() {
            return Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
        }

        private Builder() {
        }

        /**
         * The address to bind (default {@value #DEFAULT_HOST}): a host name or an IP address ({@code 0.0.0.0},
         * {@code ::1}), without a scheme or a port (the port is {@link #port(int)}). Any address other than a loopback
         * one is refused at start while no API key exists.
         *
         * @throws IllegalArgumentException if {@code host} is blank, or holds a scheme, a path, a port or white space
         */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            String h = host.strip();
            boolean ipv6 = h.chars().filter(c -> c == ':').count() >= 2
                    && h.matches("\\[?[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?]?");
            if (!ipv6 && !h.matches("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\\.?")) {
                throw new IllegalArgumentException("host must be a host name or an IP address to bind, without a scheme or a"
                        + " port (such as 127.0.0.1, 0.0.0.0 or ::1; the port is port(...)), was '" + host + "'");
            }
            this.host = h;
            return this;
        }

        /** The port (default {@value #DEFAULT_PORT}; 0 for any free port, see {@link SluiceServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The database of runs and API keys (default: the environment's, see {@link ServerOptions#database()}). */
        public Builder database(HistoryDatabase database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /**
         * Reads runs through {@code history}, already open on {@code database} (a serving worker hosting the
         * server), instead of opening a history of its own. The server does not close it.
         */
        public Builder history(History history, HistoryDatabase database) {
            this.history = Objects.requireNonNull(history, "history");
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** The block store shown on the blocks page (default {@link BlockStore#fromConfiguration()}). */
        public Builder blockStore(BlockStore store) {
            this.blockStore = Objects.requireNonNull(store, "blockStore");
            return this;
        }

        /** Requires an API key even on loopback while no key exists (default false). */
        public Builder requireApiKeys(boolean require) {
            this.requireApiKeys = require;
            return this;
        }

        /** How long a dashboard login lasts without use (default 12 hours, 1 minute to 30 days). */
        public Builder sessionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "sessionTimeout");
            if (timeout.compareTo(Duration.ofMinutes(1)) < 0 || timeout.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("sessionTimeout must be between 1 minute and 30 days, was " + timeout);
            }
            this.sessionTimeout = timeout;
            return this;
        }

        /** Failed logins allowed per address and minute (default 10, at least 1). */
        public Builder loginAttemptsPerMinute(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("loginAttemptsPerMinute must be >= 1, was " + attempts);
            }
            this.loginAttemptsPerMinute = attempts;
            return this;
        }

        /** The clock (default the system's; tests pass their own). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Whether to print the URL on standard output at start (default true). */
        public Builder printUrl(boolean print) {
            this.printUrl = print;
            return this;
        }

        /**
         * Marks the session and CSRF cookies {@code Secure} on every answer (default false: only on requests the
         * server itself received over HTTPS). Turn it on behind a proxy that terminates TLS, so browsers never
         * send the cookies over plain HTTP.
         */
        public Builder secureCookies(boolean secure) {
            this.secureCookies = secure;
            return this;
        }

        /**
         * How long a page of runs, once read, answers requests with the same filters and page (default 1 s, at
         * most 1 minute; zero reads every time): many people, or dashboards polling, asking the same question
         * cost one query. Run details and logs are always read fresh.
         */
        public Builder listCache(Duration ttl) {
            Objects.requireNonNull(ttl, "listCache");
            if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("listCache must be between 0 and 1 minute, was " + ttl);
            }
            this.listCache = ttl;
            return this;
        }

        /**
         * How old a worker's last heartbeat may be before the workers page marks it stale (default 30 s, from 1
         * second to 1 day; a worker heartbeats every 2 s by default).
         */
        public Builder staleWorkerAfter(Duration after) {
            Objects.requireNonNull(after, "staleWorkerAfter");
            if (after.compareTo(Duration.ofSeconds(1)) < 0 || after.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("staleWorkerAfter must be between 1 second and 1 day, was " + after);
            }
            this.staleWorkerAfter = after;
            return this;
        }

        /**
         * The most threads that answer requests at once (default 8 a processor, at least 16; from 8 to 1,000).
         * Requests beyond them wait their turn first in, first out, which keeps the slowest answers close to the
         * typical ones when many clients ask at once: with 200 clients on two cores, 250 threads (the web
         * server's own default) share the processors so unevenly that the slowest 1% waits several times as
         * long. Live log streams do not hold one of these threads.
         */
        public Builder threads(int threads) {
            if (threads < 8 || threads > 1_000) {
                throw new IllegalArgumentException("threads must be between 8 and 1000, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Host names requests may name in their {@code Host} header besides the bound address, {@code localhost},
         * {@code 127.0.0.1} and {@code [::1]} (default none), with any port: the name a proxy in front of the server
         * is reached by, when it passes the browser's {@code Host} on. On a loopback address the server answers only
         * to those names, so a web page whose own name an attacker makes resolve to {@code 127.0.0.1} (DNS
         * rebinding) gets a {@code 403}, not an open dashboard; on another address the check applies once names
         * are given here. A request naming one of these (came through the proxy) needs an API key even while none
         * exists: only requests naming this machine are let in without one. Replaces the names given before.
         */
        public Builder allowedHosts(String... hosts) {
            Objects.requireNonNull(hosts, "allowedHosts");
            java.util.List<String> out = new java.util.ArrayList<>();
            for (String h : hosts) {
                Objects.requireNonNull(h, "allowedHosts");
                String name = h.strip();
                if (name.contains(":") && !name.startsWith("[") && name.matches("[0-9A-Fa-f:.]+")) {
                    name = "[" + name + "]";
                }
                if (!name.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?|\\[[0-9A-Fa-f:.]+]")) {
                    throw new IllegalArgumentException("allowedHosts must be host names or addresses without a port or"
                            + " scheme (such as sluice.example.com), was '" + h + "'");
                }
                out.add(name);
            }
            this.allowedHosts = java.util.List.copyOf(out);
            return this;
        }

        /** The options. */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
