package dev.sluice;

import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import dev.sluice.internal.Frame;
import dev.sluice.internal.RuntimeState;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Everything Sluice needs to run flows and tasks, as one immutable value: where blocks are stored,
 * where runs are recorded, where cached results go, the clock and sleeper, the threads submitted
 * tasks run on, and the clients and pools the task modules keep open (HTTP clients, SQL pools,
 * OAuth2 tokens, AWS clients). Closing a runtime closes what it opened.
 *
 * <p>Most programs never name a runtime: {@code flow.run(...)}, {@code Blocks.load(...)} and the
 * task modules use {@link #defaults()}, built from the environment on first use
 * ({@code $SLUICE_HOME}, {@code SLUICE_BLOCK_STORE}, ...). A program that needs two setups side
 * by side in one JVM (tests in parallel, a worker hosting a server, an application embedding
 * Sluice) builds more and runs code under one:
 *
 * <pre>{@code
 * try (SluiceRuntime runtime = SluiceRuntime.builder()
 *         .home(Path.of("/srv/etl"))
 *         .blockStore(BlockStore.inMemory())
 *         .resultStore(ResultStore.inMemory())
 *         .build()) {
 *     int rows = runtime.run(etl, "Boston");              // the flow, its tasks, subflows, hooks: all under runtime
 *     Block key = runtime.call(() -> Blocks.load("http-api-key/sales"));
 * }
 * }</pre>
 *
 * <p>Everything a run starts inherits its runtime: submitted tasks, subflows, hooks and
 * notifiers. {@link #current()} is the runtime of the calling code.
 */
public final class SluiceRuntime implements AutoCloseable {
    private static volatile @Nullable SluiceRuntime defaultRuntime;

    static {
        RuntimeState.installAccess(r -> r.state);
    }

    private final RuntimeState state;

    private SluiceRuntime(Builder b) {
        this.state = new RuntimeState(this, b.home, b.environment, b.blockStore, b.recorders,
                b.recentRuns != null ? b.recentRuns : recentRunsProperty(),
                b.resultStore, b.clock, b.sleeper, b.executor, b.hookTimeout);
        if (b.extensions) {
            state.addExtensions();
        }
    }

    /**
     * The JVM's default runtime, built on first use from the system properties and environment:
     * home {@code sluice.home}, else {@code $SLUICE_HOME}, else {@code ~/.sluice}; blocks from
     * {@link BlockStore#fromConfiguration()}; cached results under {@code home/results}; the system
     * clock. Closed when the JVM exits.
     */
    public static SluiceRuntime defaults() {
        SluiceRuntime r = defaultRuntime;
        if (r == null) {
            synchronized (SluiceRuntime.class) {
                r = defaultRuntime;
                if (r == null) {
                    r = builder().build();
                    defaultRuntime = r;
                    SluiceRuntime created = r;
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        if (defaultRuntime == created) {
                            created.close();
                        }
                    }, "sluice-runtime-close"));
                }
            }
        }
        return r;
    }

    /**
     * Makes {@code runtime} the default for the rest of the JVM (or until replaced again) and
     * returns the previous default, which is not closed. For tests and for applications that
     * configure Sluice once at start-up; {@code null} drops the default, so the next use builds a
     * fresh one from the environment.
     */
    public static @Nullable SluiceRuntime replaceDefault(@Nullable SluiceRuntime runtime) {
        synchronized (SluiceRuntime.class) {
            SluiceRuntime previous = defaultRuntime;
            defaultRuntime = runtime;
            return previous;
        }
    }

    /** The runtime of the calling code: the one the current run or {@link #call} scope is under, else {@link #defaults()}. */
    public static SluiceRuntime current() {
        SluiceRuntime r = Frame.current().runtime();
        return r != null ? r : defaults();
    }

    /** A builder starting from the defaults described on {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The environment variables this runtime reads (the process's unless the builder was given others). */
    public Map<String, String> environment() {
        return state.environment();
    }

    /** The folder Sluice keeps its files in (block files, keys, cached results). */
    public Path home() {
        return state.home();
    }

    /** Where {@code Blocks} saves and loads blocks under this runtime. */
    public BlockStore blockStore() {
        return state.blockStore();
    }

    /** Where every state change and log line of a run under this runtime goes (all recorders, in order). */
    public RunRecorder runRecorder() {
        return state.recorder();
    }

    /** The in-memory record of this runtime's recent top-level runs. */
    public InMemoryRunRecorder recentRuns() {
        return state.recentRuns();
    }

    /** Where cached task results go unless a {@code CachePolicy} names its own store. */
    public ResultStore resultStore() {
        return state.resultStore();
    }

    /** The clock runs are timed by and cache entries expire by. */
    public Clock clock() {
        return state.clock();
    }

    /** What waits out retry delays and server-given waits. */
    public Sleeper sleeper() {
        return state.sleeper();
    }

    /**
     * The shared JDK HTTP client of this runtime for {@code connectTimeout}: HTTP/1.1 or 2, never
     * following redirects itself (callers decide, so credentials never go to another host).
     * Reused by every call that asks for the same timeout, closed with the runtime. A timeout longer
     * than about 73 years is kept as 73 years, as good as never.
     */
    public HttpClient httpClient(Duration connectTimeout) {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
        }
        // longer than about 73 years is as good as never (the JDK's client overflows on ChronoUnit.FOREVER's duration)
        return state.httpClient(dev.sluice.internal.Durations.capped(connectTimeout));
    }

    /**
     * This runtime's instance of {@code resource}, created on first use by its factory and, if it is
     * {@link AutoCloseable}, closed with the runtime (the last created first). How modules keep
     * their pools and clients per runtime.
     *
     * @throws IllegalStateException if the runtime is closed
     */
    public <T> T resource(Resource<T> resource) {
        Objects.requireNonNull(resource, "resource");
        return state.resource(resource);
    }

    /**
     * Runs {@code body} under this runtime and returns its result: flows, tasks and
     * {@code Blocks} calls made by it use this runtime.
     */
    public <T extends @Nullable Object> T call(Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        return Frame.callIn(Frame.ofRuntime(this), body::get);
    }

    /** Runs {@code body} under this runtime. */
    public void run(Runnable body) {
        Objects.requireNonNull(body, "body");
        call(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Runs {@code flow} with {@code argument} under this runtime and returns its result.
     *
     * @throws FlowFailedException if the run did not complete
     */
    public <A extends @Nullable Object, R extends @Nullable Object> R run(Flow<A, R> flow, A argument) {
        Objects.requireNonNull(flow, "flow");
        return call(() -> flow.run(argument));
    }

    /** Runs {@code flow} with {@code argument} under this runtime and returns its record, whatever the outcome. */
    public <A extends @Nullable Object, R extends @Nullable Object> FlowRun<R> runForState(Flow<A, R> flow, A argument) {
        Objects.requireNonNull(flow, "flow");
        return call(() -> flow.runForState(argument));
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return state.isClosed();
    }

    /**
     * Closes what this runtime opened: module resources (SQL pools, clients), HTTP clients and
     * the threads it created. An executor given to the builder is left running. Idempotent.
     *
     * <p>Hooks still running, such as a notification past the hook timeout (late), are waited for first,
     * at most the hook timeout or 30 seconds, whichever is longer; those still running then are left
     * behind and logged. The default runtime is closed this way when the JVM exits, so a program whose
     * {@code main} returns right after a failed run still sends its failure notification.
     *
     * <p>A closed runtime refuses new work: starting a flow or task run, submitting a task or
     * asking for a {@link #resource} under it throws {@link IllegalStateException} saying the
     * runtime is closed. Runs going on when it closes are not stopped, and what they had submitted
     * still runs; but a run that fails from then on (because it was refused a submit or a subflow,
     * say) is not retried: it ends {@link State#FAILED} with that error, and runs no attempt again.
     * Nor does a run that was waiting to retry when the runtime closed: it ends with its last failure.
     */
    @Override
    public void close() {
        state.close();
    }

    /** The {@code sluice.recentRuns} system property, else 1,000. */
    private static int recentRunsProperty() {
        return dev.sluice.internal.Limits.intProperty("sluice.recentRuns", 1_000, InMemoryRunRecorder.MAX_LIMIT,
                "how many finished runs a runtime keeps in memory (SluiceRuntime.Builder.recentRuns sets it in code)");
    }

    @Override
    public String toString() {
        return "SluiceRuntime[home=" + state.home() + ", blocks=" + state.blockStore().description() + "]";
    }

    /**
     * A kind of per-runtime object a module keeps (a pool of connections per database, a token
     * cache): {@link SluiceRuntime#resource} makes one per runtime with the factory. Resources are
     * compared by identity, so keep each in a {@code static final} field.
     *
     * <pre>{@code
     * static final SluiceRuntime.Resource<Pools> POOLS = SluiceRuntime.Resource.of("sql pools", runtime -> new Pools());
     * Pools pools = SluiceRuntime.current().resource(POOLS);
     * }</pre>
     *
     * @param <T> the type of the object
     */
    public static final class Resource<T> {
        private final String name;
        private final Function<SluiceRuntime, T> factory;

        private Resource(String name, Function<SluiceRuntime, T> factory) {
            this.name = name;
            this.factory = factory;
        }

        /** A resource named {@code name} (for messages) made by {@code factory}. */
        public static <T> Resource<T> of(String name, Function<SluiceRuntime, T> factory) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(factory, "factory");
            return new Resource<>(name, factory);
        }

        /** The name given to {@link #of}. */
        public String name() {
            return name;
        }

        /** Makes a new instance for {@code runtime}. */
        public T create(SluiceRuntime runtime) {
            return Objects.requireNonNull(factory.apply(runtime), () -> "the factory of resource '" + name + "' returned null");
        }

        @Override
        public String toString() {
            return "Resource[" + name + "]";
        }
    }

    /**
     * Builds a {@link SluiceRuntime}; what is not set is taken from the system properties and the
     * environment as {@link SluiceRuntime#defaults()} describes.
     */
    public static final class Builder {
        private @Nullable Path home;
        private @Nullable Map<String, String> environment;
        private @Nullable BlockStore blockStore;
        private final List<RunRecorder> recorders = new ArrayList<>();
        private @Nullable Integer recentRuns;
        private @Nullable ResultStore resultStore;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private @Nullable ExecutorService executor;
        private Duration hookTimeout = Duration.ofSeconds(10);
        private boolean extensions = true;

        private Builder() {
        }

        /**
         * How long the hooks of one state change of a run (its {@code onFailure} notifications, say)
         * may hold the run back, all together (default 10 s). Past it, {@code flow.run(...)} returns
         * the run's outcome, and hooks still running go on in the background, logged as late.
         */
        public Builder hookTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "hookTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("hookTimeout must be positive, was " + timeout);
            }
            this.hookTimeout = dev.sluice.internal.Durations.capped(timeout);
            return this;
        }

        /** The folder for block files, keys and cached results (default: see {@link SluiceRuntime#defaults()}). */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home").toAbsolutePath().normalize();
            return this;
        }

        /**
         * The environment variables to read instead of the process's ({@code SLUICE_HOME},
         * {@code SLUICE_BLOCK_STORE}, {@code SLUICE_MASTER_KEY}, {@code SLUICE_BLOCK_*}).
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /** The block store (default: {@link BlockStore#fromConfiguration()} under the home). */
        public Builder blockStore(BlockStore store) {
            this.blockStore = Objects.requireNonNull(store, "blockStore");
            return this;
        }

        /** Adds a recorder told of every state change and log line, after the in-memory one. */
        public Builder recorder(RunRecorder recorder) {
            recorders.add(Objects.requireNonNull(recorder, "recorder"));
            return this;
        }

        /**
         * How many finished top-level runs {@link SluiceRuntime#recentRuns()} keeps, from 1 to
         * {@link InMemoryRunRecorder#MAX_LIMIT} (default 1,000, or the system property {@code sluice.recentRuns},
         * which {@link #build()} refuses unless it is a whole number in that range).
         */
        public Builder recentRuns(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("recentRuns must be >= 1, was " + limit);
            }
            if (limit > InMemoryRunRecorder.MAX_LIMIT) {
                throw new IllegalArgumentException("recentRuns must be <= " + InMemoryRunRecorder.MAX_LIMIT + ", was " + limit
                        + "; to keep every run, record runs in a database (sluice-history) instead of in memory");
            }
            this.recentRuns = limit;
            return this;
        }

        /** The default store of cached results (default: files under {@code home/results}). */
        public Builder resultStore(ResultStore store) {
            this.resultStore = Objects.requireNonNull(store, "resultStore");
            return this;
        }

        /** The clock (default: the system clock in UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The sleeper (default: {@link Sleeper#system()}). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The executor submitted tasks run on (default: virtual threads on JDK 21+, else a pool of
         * {@code sluice.workerThreads} threads, 256 by default). Not shut down by {@link SluiceRuntime#close()}; keep
         * it open while the runtime is used: a submit it refuses throws an {@link IllegalStateException} saying so,
         * and its run ends {@link State#FAILED}.
         *
         * <p>Give one of platform threads when submitted tasks compute for long or block inside native code
         * (a JDBC driver such as SQLite's waiting for a lock): on virtual threads only as many of those run at
         * once as the JVM has carrier threads (one per core), and a task waiting for a carrier while it holds
         * a lock the others wait for in native code stalls them all.
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * A runtime without the {@link RuntimeExtension}s found on the class path (no run history
         * file, say): only what this builder is given.
         */
        public Builder withoutExtensions() {
            this.extensions = false;
            return this;
        }

        /** The runtime. */
        public SluiceRuntime build() {
            return new SluiceRuntime(this);
        }
    }
}
