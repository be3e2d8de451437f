package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeoutTest {

    /** Spins for {@code millis}, swallowing interrupts but remembering them: a body that ignores interruption. */
    private static String stubborn(long millis, AtomicBoolean sawInterrupt, CountDownLatch finished) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                sawInterrupt.set(true); // and carry on regardless
            }
        }
        finished.countDown();
        return "late";
    }

    @Test
    void theCallerGetsTimedOutAtTheDeadlineEvenIfTheBodyIgnoresInterrupts() throws Exception {
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Task0<String> t = Task.of("stubborn", () -> stubborn(3_000, sawInterrupt, finished))
                .withTimeout(Duration.ofMillis(200));

        long start = System.nanoTime();
        assertThatThrownBy(t::run)
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> assertThat(((TaskFailedException) e).state()).isEqualTo(State.TIMED_OUT))
                .hasMessageContaining("TIMED_OUT")
                .cause().isInstanceOf(RunTimeoutException.class).hasMessageContaining("PT0.2S");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(elapsedMs).as("returned at the deadline, not when the body finished")
                .isGreaterThanOrEqualTo(200).isLessThan(2_500);
        assertThat(finished.getCount()).as("body still running when the caller got control").isEqualTo(1);
        assertThat(finished.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(sawInterrupt).as("the body's thread was interrupted").isTrue();
    }

    @Test
    void aTimedOutAttemptIsRetriedAndTheRunCanStillComplete() {
        AtomicInteger calls = new AtomicInteger();
        Task0<String> t = Task.of("slow-then-fast", () -> {
            if (calls.incrementAndGet() == 1) {
                Thread.sleep(10_000);
            }
            return "ok";
        }).withTimeout(Duration.ofMillis(100)).withRetries(1, Duration.ZERO);
        FlowRun<String> run = Flow.of("f", () -> t.run()).runForState();
        assertThat(run.result()).isEqualTo("ok");
        assertThat(run.taskRuns().get(0).history()).extracting(StateChange::state).contains(State.RETRYING);
        assertThat(run.taskRuns().get(0).attempts()).isEqualTo(2);
    }

    @Test
    void aFlowTimeoutStopsTheFlowAndCancelsWhatItSubmitted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Task0<String> sleeper = Task.of("sleeper", () -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "x";
        });
        Flow0<String> f = Flow.of("slow-flow", () -> {
            TaskFuture<String> fut = sleeper.submit();
            return fut.join();
        }).withTimeout(Duration.ofMillis(300));

        long start = System.nanoTime();
        FlowRun<String> run = f.runForState();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(run.state()).isEqualTo(State.TIMED_OUT);
        assertThat(elapsedMs).isLessThan(5_000);
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e.type()).isEqualTo(RunTimeoutException.class.getName()));
        long deadline = System.currentTimeMillis() + 5_000;
        while (!interrupted.get() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(interrupted).as("the submitted task was interrupted").isTrue();
        assertThatThrownBy(f::run).isInstanceOf(FlowFailedException.class).hasMessageContaining("TIMED_OUT");
    }

    /**
     * A flow body that goes on past its timeout, starting subflows and task runs as fast as it can: whatever it
     * started before the timeout is ended by it, and what it tries after is refused, so the flow run returned
     * never lists a run still going. Many rounds, since the body may be between a check and a registration
     * at any moment.
     */
    @Test
    void aTimedOutFlowNeverReturnsWithARunItsBodyStartedStillGoing(@TempDir Path home) {
        Task<Integer, Integer> quick = Task.of("quick", (Integer x) -> x + 1);
        Task<Integer, Integer> nap = Task.of("nap", (Integer x) -> {
            Thread.sleep(x); // woken by the timeout's interrupt, it ends itself as the timeout ends it
            return x;
        });
        Flow<Integer, Integer> sub = Flow.of("sub", (Integer sleep) -> quick.run(0) + nap.run(sleep));
        AtomicInteger rounds = new AtomicInteger();
        Flow0<Integer> top = Flow.of("top", () -> {
            int n = 0;
            boolean subflowNaps = rounds.incrementAndGet() % 2 == 0;
            while (true) {
                try {
                    n += sub.run(subflowNaps ? 10_000 : 0);
                    n += nap.run(subflowNaps ? 0 : 10_000);
                } catch (IllegalStateException stopped) { // the attempt is over: its body may start nothing more
                    return n;
                } catch (SluiceException cancelled) {
                    // a run the timeout cancelled: go on, as a body that ignores interrupts would
                }
            }
        }).withTimeout(Duration.ofMillis(10));
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).withoutExtensions()
                .blockStore(dev.sluice.block.BlockStore.inMemory()).build()) {
            for (int round = 0; round < 100; round++) {
                FlowRun<Integer> run = runtime.call(top::runForState);
                assertThat(run.state()).isEqualTo(State.TIMED_OUT);
                int r = round;
                assertThat(run.subflowRuns()).as("round %d", r).allSatisfy(s -> {
                    assertThat(s.state().isTerminal()).as("%s is %s", s.name(), s.state()).isTrue();
                    assertThat(s.taskRuns()).allSatisfy(t -> assertThat(t.state().isTerminal())
                            .as("%s is %s", t.name(), t.state()).isTrue());
                });
                assertThat(run.taskRuns()).as("round %d", r)
                        .allSatisfy(t -> assertThat(t.state().isTerminal()).as("%s is %s", t.name(), t.state()).isTrue());
            }
        }
    }

    @Test
    void withoutATimeoutTheBodyRunsOnTheCallersThread() {
        Thread caller = Thread.currentThread();
        assertThat(Task.of("inline", () -> Thread.currentThread()).run()).isSameAs(caller);
        assertThat(Task.of("timed", () -> Thread.currentThread()).withTimeout(Duration.ofSeconds(5)).run())
                .isNotSameAs(caller);
    }

    @Test
    void submittedBodiesThatSpinPastTheirTimeoutDoNotKeepTheWaitingCallersFromTheirDeadline() {
        // on virtual threads, spinning timed bodies could hold every carrier the waiting callers need
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        int n = 4 * Runtime.getRuntime().availableProcessors();
        AtomicBoolean release = new AtomicBoolean();
        AtomicInteger spinning = new AtomicInteger();
        Task<Integer, Integer> spin = Task.of("spin", (Integer i) -> {
            spinning.incrementAndGet();
            long cap = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // ignores interruption; bounded for safety
            while (!release.get() && System.nanoTime() < cap) {
                Thread.onSpinWait();
            }
            spinning.decrementAndGet();
            return i;
        }).withTimeout(Duration.ofMillis(200));
        try {
            FlowRun<Integer> run = Flow.of("spinners", (Integer k) -> Futures.all(spin.map(
                    java.util.stream.IntStream.range(0, k).boxed().toList())).size()).runForState(n);
            assertThat(spinning.get()).as("the flow ended while the bodies still spun").isPositive();
            assertThat(run.taskRuns()).hasSize(n)
                    .allSatisfy(t -> assertThat(t.state()).isEqualTo(State.TIMED_OUT));
        } finally {
            release.set(true);
        }
    }
}
