package dev.sluice.internal;

import dev.sluice.InMemoryRunRecorder;
import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.Sleeper;
import dev.sluice.SluiceRuntime;
import dev.sluice.StateChange;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import dev.sluice.internal.blocks.BlockTypes;
import dev.sluice.internal.blocks.StoreConfiguration;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link SluiceRuntime} holds, as the engine and the block code need it: the public value
 * keeps one of these and hands it to the internals through {@link #of}.
 */
public final class RuntimeState {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceRuntime.class);
    private static volatile @Nullable Function<SluiceRuntime, RuntimeState> access;

    private final SluiceRuntime runtime;
    private final Path home;
    private final Map<String, String> environment;
    private final BlockStore blockStore;
    private final BlockTypes blockTypes = new BlockTypes();
    private final InMemoryRunRecorder recentRuns;
    private volatile RunRecorder recorder;
    /** Whether a recorder overrides {@link RunRecorder#enter}: decided when the recorders are set. */
    private volatile boolean entersRuns;
    private final List<RunRecorder> recorders;
    private final ResultStore resultStore;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Workers workers;
    private final Duration hookTimeout;
    private final Map<Duration, HttpClient> httpClients = new ConcurrentHashMap<>();
    private final Map<SluiceRuntime.Resource<?>, Object> resources = new HashMap<>();
    private final List<Object> created = new ArrayList<>();
    private volatile byte @Nullable [] localKey;
    private volatile boolean closed;
    /** What the extensions added that needs closing: closed at JVM exit, after the hooks, unless the runtime was closed. */
    private final List<AutoCloseable> extensionsToClose = new ArrayList<>();
    private @Nullable Thread exitHook;
    private final java.util.concurrent.atomic.AtomicBoolean waitLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean leftLogged = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.ConcurrentMap<String, CacheEngine.KeyLock> keyLocks = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean plainLoggerUsed = new java.util.concurrent.atomic.AtomicBoolean();

    public RuntimeState(SluiceRuntime runtime, @Nullable Path home, @Nullable Map<String, String> environment,
            @Nullable BlockStore blockStore, List<RunRecorder> recorders, int recentRuns,
            @Nullable ResultStore resultStore, Clock clock, Sleeper sleeper, @Nullable ExecutorService executor,
            Duration hookTimeout) {
        this.hookTimeout = hookTimeout;
        this.runtime = runtime;
        this.environment = environment != null ? environment : System.getenv();
        this.home = home != null ? home : SluiceHome.resolve(this.environment);
        this.blockStore = blockStore != null ? blockStore : StoreConfiguration.select(this.environment, this.home);
        this.recentRuns = new InMemoryRunRecorder(recentRuns);
        List<RunRecorder> all = new ArrayList<>();
        all.add(this.recentRuns);
        all.addAll(recorders);
        this.recorders = all;
        this.recorder = all.size() == 1 ? this.recentRuns : new Fanout(all.toArray(new RunRecorder[0]));
        this.entersRuns = anyEnters(all);
        this.resultStore = resultStore != null ? resultStore : FileResultStore.in(this.home.resolve("results"));
        this.clock = clock;
        this.sleeper = sleeper;
        this.workers = new Workers(executor);
    }

    /**
     * Adds the recorders of the {@link RuntimeExtension}s on the class path; called once while the
     * runtime is built. An extension that fails is logged and left out: the runtime still works.
     */
    public void addExtensions() {
        List<RunRecorder> all = new ArrayList<>(recorders);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        var it = java.util.ServiceLoader.load(dev.sluice.RuntimeExtension.class,
                loader != null ? loader : RuntimeState.class.getClassLoader()).iterator();
        while (true) {
            dev.sluice.RuntimeExtension extension;
            try {
                if (!it.hasNext()) {
                    break;
                }
                extension = it.next();
            } catch (java.util.ServiceConfigurationError e) {
                LOG.warn("a dev.sluice.RuntimeExtension could not be loaded; it is left out", e);
                continue;
            }
            try {
                extension.recorder(runtime).ifPresent(r -> {
                    all.add(r);
                    synchronized (resources) {
                        created.add(r);
                        if (r instanceof AutoCloseable c) {
                            extensionsToClose.add(c);
                        }
                    }
                });
            } catch (RuntimeException | LinkageError e) { // a class it needs missing from the class path, say
                LOG.warn("runtime extension '{}' failed to start; this runtime goes on without it", extension.name(), e);
            }
        }
        synchronized (resources) {
            if (!extensionsToClose.isEmpty()) {
                // the history an extension opened is closed at exit by the runtime, once the hooks still running
                // (late notifications) have ended and been recorded, not by a hook of its own that would race them
                Thread hook = new Thread(this::closeExtensionsAtExit, "sluice-runtime-exit");
                try {
                    Runtime.getRuntime().addShutdownHook(hook);
                    exitHook = hook;
                } catch (IllegalStateException e) {
                    LOG.debug("runtime built while the JVM shuts down: what its extensions added is closed with it only");
                }
            }
        }
        if (all.size() > recorders.size()) {
            recorders.clear();
            recorders.addAll(all);
            recorder = new Fanout(all.toArray(new RunRecorder[0]));
            entersRuns = anyEnters(all);
        }
    }

    /** Whether {@code recorder}'s class overrides {@link RunRecorder#enter}. */
    static boolean enters(RunRecorder recorder) {
        try {
            return recorder.getClass().getMethod("enter", Run.class).getDeclaringClass() != RunRecorder.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true; // cannot tell: call it
        }
    }

    private static boolean anyEnters(List<RunRecorder> all) {
        for (RunRecorder r : all) {
            if (enters(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether any recorder overrides {@link RunRecorder#enter}: when none does, the engine runs bodies
     * without calling it.
     */
    public boolean entersRuns() {
        return entersRuns;
    }

    /** Called once by {@link SluiceRuntime}'s initializer: how to reach the state of a runtime. */
    public static void installAccess(Function<SluiceRuntime, RuntimeState> getter) {
        access = getter;
    }

    /** The state of {@code runtime}. */
    public static RuntimeState of(SluiceRuntime runtime) {
        Function<SluiceRuntime, RuntimeState> a = access;
        if (a == null) {
            throw new IllegalStateException("SluiceRuntime is not initialized");
        }
        return a.apply(runtime);
    }

    /** The state of {@link SluiceRuntime#current()}. */
    public static RuntimeState current() {
        return Frame.current().state();
    }

    public SluiceRuntime runtime() {
        return runtime;
    }

    public Path home() {
        return home;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public BlockStore blockStore() {
        return blockStore;
    }

    public BlockTypes blockTypes() {
        return blockTypes;
    }

    public InMemoryRunRecorder recentRuns() {
        return recentRuns;
    }

    public RunRecorder recorder() {
        return recorder;
    }

    public ResultStore resultStore() {
        return resultStore;
    }

    public Clock clock() {
        return clock;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    /** How long the hooks of one run's state change may hold the run back. */
    public Duration hookTimeout() {
        return hookTimeout;
    }

    public Workers workers() {
        return workers;
    }

    /** The key {@code Secret} arguments are HMAC'd with in cache keys, from {@code home/cache-hmac.key}. */
    byte[] localKey() {
        byte[] k = localKey;
        if (k == null) {
            k = LocalKey.loadOrCreate(home);
            localKey = k;
        }
        return k;
    }

    public HttpClient httpClient(Duration connectTimeout) {
        checkOpen();
        return httpClients.computeIfAbsent(connectTimeout, t -> HttpClient.newBuilder()
                .connectTimeout(t)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }

    @SuppressWarnings("unchecked")
    public <T> T resource(SluiceRuntime.Resource<T> resource) {
        synchronized (resources) {
            checkOpen();
            Object existing = resources.get(resource);
            if (existing != null) {
                return (T) existing;
            }
            T made = resource.create(runtime);
            resources.put(resource, made);
            created.add(made);
            return made;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    /** Refuses a new run, submit or resource: the runtime is closed. */
    void refuseIfClosed() {
        if (closed) {
            throw closedError();
        }
    }

    /** What a closed runtime throws at whatever it refuses. */
    IllegalStateException closedError() {
        return new IllegalStateException("this SluiceRuntime is closed (home " + home
                + "): it starts no new runs or submitted tasks");
    }

    /** The per-key locks of cached runs computing now. */
    java.util.concurrent.ConcurrentMap<String, CacheEngine.KeyLock> keyLocks() {
        return keyLocks;
    }

    private final java.util.Set<String> reported = ConcurrentHashMap.newKeySet();

    /** True the first time {@code what} is reported under this runtime (bounded: at most 10,000 kept). */
    public boolean firstReport(String what) {
        return reported.size() < 10_000 && reported.add(what);
    }

    /** True the first time a plain (run-less) logger is handed out under this runtime. */
    public boolean firstPlainLogger() {
        return !plainLoggerUsed.get() && plainLoggerUsed.compareAndSet(false, true);
    }

    public boolean isClosed() {
        return closed;
    }

    /** Hook batches (notifications among them) going on, late ones too: close() waits for them, bounded. */
    private int hooksRunning;
    private final Object hooksLock = new Object();
    /** How long close() waits for hooks still running (late notifications) before it leaves them. */
    static final Duration HOOKS_AT_CLOSE = Duration.ofSeconds(30);

    /** A batch of hooks of a run starts on a thread of its own. */
    void hookStarted() {
        synchronized (hooksLock) {
            hooksRunning++;
        }
    }

    /** A batch of hooks ended. */
    void hookEnded() {
        synchronized (hooksLock) {
            hooksRunning--;
            hooksLock.notifyAll();
        }
    }

    /** Waits for hooks still running, at most the hook timeout or {@link #HOOKS_AT_CLOSE}, whichever is longer. */
    private void awaitHooks() {
        long limit = Math.max(hookTimeout().toNanos(), HOOKS_AT_CLOSE.toNanos());
        long start = System.nanoTime();
        boolean interrupted = false;
        synchronized (hooksLock) {
            // once: the default runtime's close and its extensions' exit hook both wait at JVM exit
            if (hooksRunning > 0 && waitLogged.compareAndSet(false, true)) {
                LOG.info("closing the runtime: waiting up to {} for {} hook batch(es) still running (notifications)",
                        Texts.human(Duration.ofNanos(limit)), hooksRunning);
            }
            long left;
            while (hooksRunning > 0 && (left = limit - (System.nanoTime() - start)) > 0) {
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(hooksLock, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            if (hooksRunning > 0 && leftLogged.compareAndSet(false, true)) {
                LOG.warn("closing the runtime: {} hook batch(es) still running after {} are left behind: notifications they"
                        + " send may not be sent", hooksRunning, Texts.human(Duration.ofNanos(System.nanoTime() - start)));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * At JVM exit, for a runtime nobody closed: waits for the hooks still running, as {@link #close()} does, then closes
     * what the extensions added (the run history writes what is queued), so what late hooks log is recorded.
     */
    private void closeExtensionsAtExit() {
        awaitHooks();
        List<AutoCloseable> toClose;
        synchronized (resources) {
            toClose = new ArrayList<>(extensionsToClose);
            extensionsToClose.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} at exit failed", toClose.get(i).getClass().getName(), e);
            }
        }
    }

    public void close() {
        List<Object> toClose;
        synchronized (resources) {
            if (closed) {
                return;
            }
        }
        awaitHooks(); // before the runtime refuses work and its resources go: a late notifier may still need them
        Thread hook;
        synchronized (resources) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(created);
            resources.clear();
            created.clear();
            extensionsToClose.clear();
            hook = exitHook;
            exitHook = null;
        }
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs or ran (closing twice is harmless)
            }
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            if (toClose.get(i) instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", c.getClass().getName(), e);
                }
            }
        }
        for (HttpClient client : httpClients.values()) {
            if (client instanceof AutoCloseable c) { // JDK 21+
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing an HTTP client failed", e);
                }
            }
        }
        httpClients.clear();
        workers.close();
    }

    /** Tells every recorder; one that throws is logged and never changes the run. */
    private static final class Fanout implements RunRecorder {
        private final RunRecorder[] recorders;
        /** The indexes of the recorders that override {@link RunRecorder#enter}. */
        private final int[] entering;
        private final java.util.concurrent.atomic.AtomicBoolean[] warned;

        Fanout(RunRecorder[] recorders) {
            this.recorders = recorders;
            int[] idx = new int[recorders.length];
            int n = 0;
            for (int i = 0; i < recorders.length; i++) {
                if (enters(recorders[i])) {
                    idx[n++] = i;
                }
            }
            this.entering = java.util.Arrays.copyOf(idx, n);
            this.warned = new java.util.concurrent.atomic.AtomicBoolean[recorders.length];
            for (int i = 0; i < recorders.length; i++) {
                warned[i] = new java.util.concurrent.atomic.AtomicBoolean();
            }
        }

        /** The first failure of a recorder is a warning with its stack; later ones are debug lines. */
        private void failed(int i, Run run, String what, Throwable e) {
            if (warned[i].compareAndSet(false, true)) {
                LOG.warn("run recorder {} failed on {} of {}; the run goes on (later failures of this recorder are"
                        + " logged at debug)", recorders[i], what, run, e);
            } else {
                LOG.debug("run recorder {} failed on {} of {}: {}", recorders[i], what, run, e.toString());
            }
        }

        @Override
        public void stateChanged(Run run, StateChange change) {
            for (int i = 0; i < recorders.length; i++) {
                try {
                    recorders[i].stateChanged(run, change);
                } catch (Throwable e) { // an Error too (a class the recorder needs is missing, say): it never changes the run
                    failed(i, run, "a state change", e);
                }
            }
        }

        @Override
        public void logged(Run run, LogLine line) {
            for (int i = 0; i < recorders.length; i++) {
                try {
                    recorders[i].logged(run, line);
                } catch (Throwable e) { // an Error too (a class the recorder needs is missing, say): it never changes the run
                    failed(i, run, "a log line", e);
                }
            }
        }

        @Override
        public Scope enter(Run run) {
            if (entering.length == 1) {
                return enterOne(entering[0], run);
            }
            Scope[] scopes = new Scope[entering.length];
            for (int k = 0; k < entering.length; k++) {
                scopes[k] = enterOne(entering[k], run);
            }
            return () -> {
                for (int k = scopes.length - 1; k >= 0; k--) {
                    closeOne(entering[k], run, scopes[k]);
                }
            };
        }

        private Scope enterOne(int i, Run run) {
            Scope scope;
            try {
                scope = recorders[i].enter(run);
            } catch (Throwable e) { // an Error too (a class the recorder needs is missing, say): it never changes the run
                failed(i, run, "entering the body", e);
                return Scope.NOOP;
            }
            if (scope == null || scope == Scope.NOOP) {
                return Scope.NOOP;
            }
            return () -> closeOne(i, run, scope);
        }

        private void closeOne(int i, Run run, Scope scope) {
            try {
                scope.close();
            } catch (Throwable e) { // an Error too (a class the recorder needs is missing, say): it never changes the run
                failed(i, run, "leaving the body", e);
            }
        }

        @Override
        public void tagsChanged(Run run, java.util.Set<String> tags) {
            for (int i = 0; i < recorders.length; i++) {
                try {
                    recorders[i].tagsChanged(run, tags);
                } catch (Throwable e) { // an Error too (a class the recorder needs is missing, say): it never changes the run
                    failed(i, run, "a tag change", e);
                }
            }
        }
    }
}
