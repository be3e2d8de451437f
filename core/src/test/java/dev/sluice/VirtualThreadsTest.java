package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.BlockStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The concurrency promises of the README on every JDK: virtual threads on 21+ (where only as many
 * carriers as cores run them, and the common pool may have a single thread), a bounded pool on 17.
 */
class VirtualThreadsTest {
    @TempDir
    java.nio.file.Path home;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private SluiceRuntime runtime() {
        return runtime(b -> b);
    }

    private SluiceRuntime runtime(java.util.function.UnaryOperator<SluiceRuntime.Builder> change) {
        SluiceRuntime r = change.apply(SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .withoutExtensions()).build();
        closing.add(r);
        return r;
    }

    @Test
    void maxConcurrencyHoldsExactlyForThousandsOfBlockingTasksWithNestedJoins() {
        SluiceRuntime runtime = runtime();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Object monitor = new Object();
        ReentrantLock lock = new ReentrantLock();
        Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                if (i % 3 == 0) {
                    synchronized (monitor) {
                        Thread.sleep(0, 1000);
                    }
                } else if (i % 3 == 1) {
                    lock.lock();
                    try {
                        Thread.sleep(0, 1000);
                    } finally {
                        lock.unlock();
                    }
                } else {
                    Thread.sleep(1);
                }
            } finally {
                running.decrementAndGet();
            }
            return i;
        });
        Task<Integer, Integer> parent = Task.of("parent", (Integer i) -> leaf.submit(i).join() + 1);
        Flow0<List<Integer>> flow = Flow.of("bounded", () -> Futures.all(parent.map(
                IntStream.range(0, 1500).boxed().toList()))).withMaxConcurrency(4);

        FlowRun<List<Integer>> run = runtime.call(() -> flow.runForState());

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).hasSize(1500);
        assertThat(peak.get()).isLessThanOrEqualTo(4).isGreaterThanOrEqualTo(2);
    }

    @Test
    void thousandsOfTasksBlockedOnSocketsMonitorsAndLocksAllFinish() throws Exception {
        SluiceRuntime runtime = runtime();
        ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        closing.add(server);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread echo = new Thread(() -> echoLater(s));
                    echo.setDaemon(true);
                    echo.start();
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        Object monitor = new Object();
        ReentrantLock lock = new ReentrantLock();
        int port = server.getLocalPort();
        Task<Integer, Integer> blocking = Task.of("blocking", (Integer i) -> {
            switch (i % 3) {
                case 0 -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        s.setSoTimeout(20_000);
                        s.getOutputStream().write(7);
                        return s.getInputStream().read();
                    }
                }
                case 1 -> {
                    synchronized (monitor) {
                        monitor.wait(1);
                    }
                    return 7;
                }
                default -> {
                    lock.lock();
                    try {
                        Thread.sleep(0, 500);
                    } finally {
                        lock.unlock();
                    }
                    return 7;
                }
            }
        });
        Flow0<List<Integer>> flow = Flow.of("blocking-flow",
                () -> Futures.all(blocking.map(IntStream.range(0, 1200).boxed().toList())));

        FlowRun<List<Integer>> run = runtime.call(() -> flow.runForState());

        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).hasSize(1200).containsOnly(7);
    }

    private static void echoLater(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int b = in.read();
            Thread.sleep(20);
            out.write(b);
            out.flush();
        } catch (Exception ignored) {
            // the client went away
        }
    }

    @Test
    void hundredsOfTasksWritingToAnH2FileAndASqliteFileInTransactionsAllCommitOnAGivenPoolOfPlatformThreads()
            throws Exception {
        // On virtual threads (JDK 21+) this stalls for minutes: SQLite's busy wait runs in native code and
        // holds a carrier, while the task holding the write lock waits (its sleep) for a carrier to go on.
        // The README's advice: such code gets a runtime with an executor of platform threads.
        ExecutorService pool = Executors.newFixedThreadPool(16);
        closing.add(pool::shutdownNow);
        SluiceRuntime runtime = runtime(b -> b.executor(pool));
        String h2 = "jdbc:h2:file:" + home.resolve("vt-h2").toAbsolutePath() + ";LOCK_TIMEOUT=20000";
        String sqlite = "jdbc:sqlite:" + home.resolve("vt.db").toAbsolutePath();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(h2, "sa", "");
                java.sql.Statement st = c.createStatement()) {
            st.execute("create table t(i int)");
        }
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(sqlite);
                java.sql.Statement st = c.createStatement()) {
            st.execute("pragma journal_mode=wal");
            st.execute("create table t(i int)");
        }
        Task<Integer, Integer> write = Task.of("write", (Integer i) -> {
            boolean toH2 = i % 2 == 0;
            try (java.sql.Connection c = toH2 ? java.sql.DriverManager.getConnection(h2, "sa", "")
                    : java.sql.DriverManager.getConnection(sqlite)) {
                if (!toH2) {
                    try (java.sql.Statement st = c.createStatement()) {
                        st.execute("pragma busy_timeout=20000");
                    }
                }
                c.setAutoCommit(false);
                try (java.sql.PreparedStatement p = c.prepareStatement("insert into t values (?)")) {
                    p.setInt(1, i);
                    p.executeUpdate();
                    Thread.sleep(1); // work inside the transaction: the thread waits with the write lock held
                    p.setInt(1, -i);
                    p.executeUpdate();
                }
                c.commit();
            }
            return i;
        });
        Flow0<List<Integer>> flow = Flow.of("jdbc", () -> Futures.all(write.map(
                IntStream.range(0, 200).boxed().toList())));

        long start = System.nanoTime();
        FlowRun<List<Integer>> run = runtime.call(() -> flow.runForState());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        for (String url : List.of(h2, sqlite)) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url, "sa", "");
                    java.sql.ResultSet rs = c.createStatement().executeQuery("select count(*) from t")) {
                rs.next();
                assertThat(rs.getInt(1)).as(url).isEqualTo(200); // 100 tasks, 2 rows each
            }
        }
        assertThat(ms).isLessThan(20_000);
    }

    @Test
    void aFlowTimeoutCancelsAndInterruptsItsSubmittedTasksBlockedInSleepSocketsAndLocks() throws Exception {
        SluiceRuntime runtime = runtime();
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing.add(silent);
        List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // never answers
                }
            } catch (Exception e) {
                // closed
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        ReentrantLock held = new ReentrantLock();
        held.lock(); // never released while the tasks wait
        CountDownLatch started = new CountDownLatch(3);
        Map<String, String> endedBy = new ConcurrentHashMap<>();
        Task<String, String> sleeper = Task.of("sleeps", (String name) -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                endedBy.put(name, "interrupted");
                throw e;
            }
            return name;
        });
        Task<String, String> locker = Task.of("locks", (String name) -> {
            started.countDown();
            try {
                held.lockInterruptibly();
            } catch (InterruptedException e) {
                endedBy.put(name, "interrupted");
                throw e;
            }
            return name;
        });
        Flow0<String> flow = Flow.of("times-out", () -> {
            TaskFuture<String> a = sleeper.submit("sleep");
            TaskFuture<String> b = locker.submit("lock");
            TaskFuture<String> c = locker.submit("lock2");
            return a.join() + b.join() + c.join();
        }).withTimeout(Duration.ofMillis(700));

        long start = System.nanoTime();
        FlowRun<String> run = runtime.call(() -> flow.runForState());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(ms).isLessThan(5_000);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.taskRuns()).hasSize(3).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.CANCELLED));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (endedBy.size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(endedBy).containsOnlyKeys("sleep", "lock", "lock2");
        held.unlock();
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void aTaskTheTimedOutFlowBodyWasRunningItselfHasEndedCancelledWhenTheFlowReturns() throws Exception {
        // a given executor that is busy: the flow's join runs the submitted run on the flow body's own thread
        ExecutorService busy = Executors.newSingleThreadExecutor();
        closing.add(busy::shutdownNow);
        CountDownLatch release = new CountDownLatch(1);
        closing.add(release::countDown);
        busy.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SluiceRuntime runtime = runtime(b -> b.executor(busy));
        Task0<String> slowToStop = Task.of("slow-to-stop", () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                throw new SlowToDescribe(); // recording why the run ended takes a while
            }
            return "late";
        });
        Flow0<String> flow = Flow.of("joins-inline", () -> slowToStop.submit().join())
                .withTimeout(Duration.ofMillis(300));

        FlowRun<String> run = runtime.call(() -> flow.runForState());

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(run.taskRuns()).singleElement()
                .satisfies(t -> assertThat(t.state()).as("the task run, as the flow returns").isEqualTo(State.CANCELLED));
    }

    @Test
    void busyTasksWithATimeoutHoldNoCarrierSoATimedSubflowInASubmittedTaskStillTimesOutOnTime() throws Exception {
        SluiceRuntime runtime = runtime();
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicBoolean stop = new AtomicBoolean();
        closing.add(() -> stop.set(true));
        CountDownLatch spinning = new CountDownLatch(cores + 1);
        CountDownLatch waiting = new CountDownLatch(1);
        // keeps a CPU busy and ignores interrupts; with a timeout its body runs on a platform thread of its own
        Task0<Long> spin = Task.of("spin", () -> {
            spinning.countDown();
            long x = 0;
            while (!stop.get()) {
                x++;
            }
            return x;
        }).withTimeout(Duration.ofMinutes(5));
        Flow0<String> timed = Flow.of("timed-subflow", () -> {
            waiting.countDown();
            Thread.sleep(60_000);
            return "late";
        }).withTimeout(Duration.ofMillis(500));
        Task0<String> callsTimed = Task.of("calls-timed", () -> timed.runForState().state().name());
        Flow0<String> outer = Flow.of("outer", () -> {
            try {
                TaskFuture<String> inSubflow = callsTimed.submit();
                waiting.await(); // its worker now waits for the subflow's deadline
                for (int i = 0; i <= cores; i++) {
                    spin.submit();
                }
                spinning.await();
                return inSubflow.join(Duration.ofSeconds(20));
            } finally {
                stop.set(true);
            }
        }).withTimeout(Duration.ofSeconds(30));

        long start = System.nanoTime();
        FlowRun<String> run = runtime.call(() -> outer.runForState());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("TIMED_OUT");
        assertThat(ms).isLessThan(10_000);
    }

    @Test
    void runContextAndMdcIdsReachSubmittedTasksAndThreadsTheyStartAndNeverLeakToTheNextRun() throws Exception {
        SluiceRuntime runtime = runtime();
        RunContext.Key<String> key = RunContext.Key.of("vt-key");
        Map<Integer, String> seen = new ConcurrentHashMap<>();
        Map<Integer, String> inThread = new ConcurrentHashMap<>();
        Map<Integer, String> before = new ConcurrentHashMap<>();
        Task<Integer, Integer> child = Task.of("child", (Integer i) -> {
            before.put(i, String.valueOf(MDC.get("user.key")));
            String task = RunContext.taskRun().map(TaskRun::id).orElse("none");
            String mdc = MDC.get("sluice.taskRunId");
            seen.put(i, (task.equals(mdc) ? "ok" : "mdc=" + mdc + " task=" + task)
                    + "/" + RunContext.flowRun().map(FlowRun::id).orElse("none").equals(MDC.get("sluice.flowRunId")));
            RunContext.Snapshot here = RunContext.snapshot();
            Thread t = new Thread(here.wrap((Runnable) () -> inThread.put(i,
                    RunContext.taskRun().map(TaskRun::id).orElse("none").equals(task) + "/"
                            + task.equals(MDC.get("sluice.taskRunId")))));
            t.start();
            t.join();
            MDC.put("user.key", "leaked-from-" + i); // never removed by the body
            return i;
        });
        Flow0<List<Integer>> flow = Flow.of("ctx", () -> Futures.all(child.map(
                IntStream.range(0, 300).boxed().toList()))).withMaxConcurrency(2);

        FlowRun<List<Integer>> run = runtime.call(() -> flow.runForState());

        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(seen).hasSize(300).allSatisfy((i, v) -> assertThat(v).isEqualTo("ok/true"));
        assertThat(before).as("MDC a body put is not seen by the next run on the same thread")
                .hasSize(300).allSatisfy((i, v) -> assertThat(v).isEqualTo("null"));
        assertThat(inThread).hasSize(300).allSatisfy((i, v) -> assertThat(v).isEqualTo("true/true"));
    }

    @Test
    void aGivenExecutorRunsTheSubmittedTasksInsteadOfVirtualThreads() {
        AtomicInteger made = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
            Thread t = new Thread(r, "given-" + made.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        closing.add(pool::shutdownNow);
        SluiceRuntime runtime = runtime(b -> b.executor(pool));
        java.util.Set<String> threads = ConcurrentHashMap.newKeySet();
        Task<Integer, Integer> where = Task.of("where", (Integer i) -> {
            threads.add(Thread.currentThread().getName());
            Thread.sleep(2);
            return i;
        });
        Flow0<List<Integer>> flow = Flow.of("given", () -> Futures.all(where.map(
                IntStream.range(0, 200).boxed().toList())));
        assertThat(runtime.call(() -> flow.run())).hasSize(200);
        // the flow's own thread may run a run it joins before a worker took it up (the README says so)
        assertThat(threads).anySatisfy(n -> assertThat(n).startsWith("given-"))
                .allSatisfy(n -> assertThat(n).matches("given-\\d|" + Thread.currentThread().getName()));
    }

    @Test
    void theInMemoryRecorderStaysBoundedUnderAFloodOfRuns() {
        SluiceRuntime runtime = runtime(b -> b.recentRuns(50).hookTimeout(Duration.ofMillis(200)));
        Task<Integer, Integer> t = Task.of("flood", (Integer i) -> i)
                .onCompletion(tr -> Thread.sleep(1_000)); // a hook that never ends in time
        Flow<Integer, Integer> f = Flow.of("flood-flow", (Integer n) -> Futures.all(t.map(
                IntStream.range(0, n).boxed().toList())).size());
        List<Thread> callers = new ArrayList<>();
        AtomicInteger ok = new AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            Thread c = new Thread(() -> {
                if (runtime.call(() -> f.run(5)) == 5) {
                    ok.incrementAndGet();
                }
            });
            c.start();
            callers.add(c);
        }
        callers.forEach(c -> {
            try {
                c.join(60_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(ok.get()).isEqualTo(200);
        assertThat(runtime.recentRuns().flowRuns()).hasSizeLessThanOrEqualTo(50);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(30_000);
    }


    /** An interrupt whose message takes 400 ms to make. */
    private static final class SlowToDescribe extends InterruptedException {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return "stopped";
        }
    }
}
