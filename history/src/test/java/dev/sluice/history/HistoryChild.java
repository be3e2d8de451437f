package dev.sluice.history;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.cache.CachePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** A separate JVM for the multi-process tests (see {@link Processes}); prints KEY=value lines. */
public final class HistoryChild {
    private HistoryChild() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "hang" -> hang(Path.of(args[1]), Integer.parseInt(args[2]));
            case "write" -> write(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "cache" -> cache(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]));
            case "default" -> zeroCode(args[1]);
            case "late-hook" -> lateHook(args[1]);
            case "probe" -> probe(Path.of(args[1]));
            case "lock" -> lock(Path.of(args[1]), args[2]);
            case "twice" -> twice(Path.of(args[1]), Long.parseLong(args[2]));
            case "skewed" -> skewed(Path.of(args[1]), Long.parseLong(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /**
     * Does what SQLite does when another program closes its last connection to {@code db}: tries to lock the
     * file's SHARED byte range exclusively (POSIX {@code fcntl}, as {@link java.nio.channels.FileChannel#tryLock}
     * is), which succeeds only when no process holds a connection's shared lock on it. SQLite would then take
     * itself for the last connection, checkpoint, and delete the WAL and its index. Prints {@code FREE=} whether
     * the lock was had.
     */
    private static void probe(Path db) throws Exception {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(db, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            java.nio.channels.FileLock lock = ch.tryLock(1_073_741_826L, 510, false); // SQLite's SHARED_FIRST, SHARED_SIZE
            System.out.println("FREE=" + (lock != null));
            if (lock != null) {
                lock.release();
            }
        }
    }

    /**
     * Locks {@code db} as another program may: {@code writes} holds its write lock ({@code BEGIN EXCLUSIVE}, which in
     * WAL mode keeps writers out), {@code all} takes it in exclusive locking mode (readers are kept out too). Prints
     * {@code LOCKED=} once it holds the lock, and lets it go (and exits) when a line is read from its input.
     */
    private static void lock(Path db, String how) throws Exception {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
                java.sql.Statement s = c.createStatement()) {
            if (how.equals("all")) {
                s.execute("pragma locking_mode = exclusive");
                s.execute("begin exclusive");
                s.execute("commit"); // exclusive locking mode keeps the lock after the transaction
                s.executeQuery("select count(*) from sqlite_master").close();
            } else {
                s.execute("begin exclusive");
            }
            System.out.println("LOCKED=" + how);
            System.out.flush();
            new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        System.out.println("RELEASED=" + how);
        System.out.flush();
    }

    /**
     * With a heartbeat of 200 ms: a flow that sleeps {@code napMillis} (prints {@code FIRST=} its id as it starts),
     * then a flow that never ends (prints {@code SECOND=} its id once it is written).
     */
    private static void twice(Path db, long napMillis) throws Exception {
        History history = History.builder(HistoryDatabase.sqlite(db))
                .heartbeat(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1)).open();
        SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build();
        Flow<Long, Long> napping = Flow.of("napping", (Long ms) -> {
            System.out.println("FIRST=" + RunContext.flowRun().orElseThrow().id());
            System.out.flush();
            Thread.sleep(ms);
            return ms;
        });
        runtime.run(napping, napMillis);
        Flow<Long, Long> hanging = Flow.of("hanging-after", (Long ms) -> {
            Thread.sleep(500);
            System.out.println("SECOND=" + RunContext.flowRun().orElseThrow().id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return ms;
        });
        runtime.run(hanging, 0L);
    }

    /**
     * With a heartbeat of 200 ms (crash after 1 s) and a clock {@code offsetSeconds} off the system's: a flow that
     * never ends (prints {@code READY=} its id once it started).
     */
    private static void skewed(Path db, long offsetSeconds) throws Exception {
        java.time.Clock clock = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(offsetSeconds));
        History history = History.builder(HistoryDatabase.sqlite(db)).clock(clock)
                .heartbeat(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(1)).open();
        SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().clock(clock).recorder(history.recorder()).build();
        Flow<Long, Long> hanging = Flow.of("skewed", (Long ms) -> {
            System.out.println("READY=" + RunContext.flowRun().orElseThrow().id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
            return ms;
        });
        runtime.run(hanging, 0L);
    }

    /** Starts a flow whose tasks never end, and says so once it is written. */
    private static void hang(Path db, int tasks) throws Exception {
        History history = History.open(HistoryDatabase.sqlite(db));
        SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build();
        Task<Integer, Integer> forever = Task.of("forever", (Integer i) -> {
            RunContext.logger().info("task {} started", i);
            Thread.sleep(Long.MAX_VALUE);
            return i;
        });
        Flow<Integer, Integer> flow = Flow.of("hanging", (Integer n) -> {
            RunContext.logger().info("starting {} tasks", n);
            List<TaskFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(forever.submit(i));
            }
            Thread.sleep(300);
            System.out.println("READY=" + RunContext.flowRun().orElseThrow().id());
            System.out.flush();
            int sum = 0;
            for (TaskFuture<Integer> f : futures) {
                sum += f.join();
            }
            return sum;
        });
        runtime.run(flow, tasks);
    }

    /** Runs {@code flows} flows of {@code tasks} task runs each, with a log line per task, and closes. */
    private static void write(Path db, String name, int flows, int tasks) {
        long start = System.nanoTime();
        try (History history = History.open(HistoryDatabase.sqlite(db));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            Task<Integer, Integer> inc = Task.of("inc", (Integer i) -> {
                RunContext.logger().info("inc {}", i);
                return i + 1;
            });
            Flow<Integer, Integer> flow = Flow.of(name, (Integer n) -> {
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += inc.run(i);
                }
                return sum;
            });
            for (int f = 0; f < flows; f++) {
                FlowRun<Integer> run = runtime.runForState(flow, tasks);
                if (!run.state().isSuccess()) {
                    throw new IllegalStateException(run.toString());
                }
            }
            history.flush();
            System.out.println("LOST=" + history.stats().lost());
        }
        System.out.println("MILLIS=" + (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs a cached task whose body counts its calls in {@code calls}, with the history's result store. */
    private static void cache(Path db, Path calls, long sleepMillis) {
        try (History history = History.open(HistoryDatabase.sqlite(db));
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder())
                        .resultStore(history.resultStore()).build()) {
            Task<String, Integer> compute = Task.named("shared-compute").withCache(CachePolicy.inputs()).of((String s) -> {
                Files.writeString(calls, "called\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                Thread.sleep(sleepMillis);
                return s.length() * 3;
            });
            Flow<String, Integer> flow = Flow.of("cached-flow", (String s) -> compute.run(s));
            FlowRun<Integer> run = runtime.runForState(flow, "sluice");
            System.out.println("STATE=" + run.taskRuns().get(0).state());
            System.out.println("RESULT=" + run.result());
        }
    }

    /** The zero-code way: the default runtime with the history extension; nothing is closed by hand. */
    private static void zeroCode(String flowName) {
        Task<String, Integer> length = Task.of("length", (String s) -> {
            RunContext.logger().info("measuring {}", s);
            return s.length();
        });
        Flow<String, Integer> flow = Flow.of(flowName, (String s) -> length.run(s));
        FlowRun<Integer> run = flow.runForState("from the default runtime");
        System.out.println("RUN=" + run.id());
        System.out.println("STATE=" + run.state());
        // no close: the default runtime's shutdown hook closes the history, which writes what is queued
    }

    /**
     * The default runtime again, left by {@code main} while a failed run's hook still runs (the run itself goes on in
     * a daemon thread, waiting for it): the runtime waits for the hook at exit, and what the hook logs when it ends
     * must reach the history, which the runtime closes after its hooks.
     */
    private static void lateHook(String flowName) throws InterruptedException {
        java.util.concurrent.CountDownLatch hookStarted = new java.util.concurrent.CountDownLatch(1);
        String[] runId = new String[1];
        Flow<String, Integer> flow = Flow.<String, Integer>of(flowName, (String s) -> {
            throw new IllegalStateException("failing on purpose");
        }).onFailure(run -> {
            runId[0] = run.id();
            hookStarted.countDown();
            Thread.sleep(1_500);
            throw new IllegalStateException("the hook ended after main had returned");
        });
        Thread runner = new Thread(() -> flow.runForState("x"), "flow-runner");
        runner.setDaemon(true);
        runner.start();
        hookStarted.await();
        System.out.println("RUN=" + runId[0]);
    }
}
