package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cache.CachePolicy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Promises of the core's public Javadoc that a new user would test first, each checked as written. */
class JavadocPromisesTest extends LazyRuntimeTest {
    /**
     * TaskFuture.cancel: "the run ends CANCELLED at once ..., whatever a body that ignores the interrupt does
     * after; ... the task runs or subflows it starts are refused with an IllegalStateException". The cancel
     * interrupted the body before it ended the run, so a body woken by the interrupt started task runs in
     * the run being cancelled.
     */
    @Test
    void aBodyWokenByItsCancelStartsNoTaskRuns() {
        for (int i = 0; i < 20; i++) {
            for (boolean inFlow : new boolean[] {true, false}) {
                CountDownLatch started = new CountDownLatch(1);
                CountDownLatch done = new CountDownLatch(1);
                AtomicReference<Object> inner = new AtomicReference<>();
                Task0<Integer> stubborn = Task.of("stubborn", () -> {
                    started.countDown();
                    goOnAfterInterruptAndTryATaskRun(inner);
                    done.countDown();
                    return 1;
                });
                Flow0<State> flow = Flow.of("cancels", () -> {
                    TaskFuture<Integer> f = stubborn.submit();
                    started.await(10, TimeUnit.SECONDS);
                    assertThat(f.cancel()).isTrue();
                    done.await(10, TimeUnit.SECONDS);
                    return f.state();
                });
                State state = runtime().call(() -> inFlow ? flow.run() : Flow0Runner.outsideFlow(stubborn, started, done));

                assertThat(state).isEqualTo(State.CANCELLED);
                assertThat(inner.get()).as("round %d, in a flow: %s", i, inFlow)
                        .isInstanceOf(IllegalStateException.class);
                assertThat(((Throwable) inner.get()).getMessage()).contains("ended CANCELLED");
            }
        }
    }

    /**
     * RunTimeoutException: the body of a timed-out attempt "was interrupted; if it ignores interruption it may
     * still be running, detached from the run: a task run or subflow it starts from then on is refused with an
     * IllegalStateException, so it adds nothing to the run that timed out (nor to the run's next attempt)". The
     * interrupt came before the run left the attempt, so a body woken by it started task runs while the run
     * waited to retry.
     */
    @Test
    void aBodyWokenByItsTimeoutStartsNoTaskRunsWhileTheRunWaitsToRetry() {
        CountDownLatch firstDone = new CountDownLatch(1);
        AtomicReference<Object> inner = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        Task0<String> slow = Task.of("slow", () -> {
            if (attempts.incrementAndGet() > 1) {
                return "second";
            }
            goOnAfterInterruptAndTryATaskRun(inner);
            firstDone.countDown();
            return "first";
        }).withTimeout(Duration.ofMillis(100)).withRetries(1, Duration.ofSeconds(1));
        // the retry's wait lasts until the first attempt's body has tried to start its run
        try (SluiceRuntime r = SluiceRuntime.builder().withoutExtensions().home(home)
                .sleeper(d -> firstDone.await(10, TimeUnit.SECONDS)).build()) {
            FlowRun<String> run = r.call(() -> Flow.of("f", () -> slow.run()).runForState());

            assertThat(run.result()).isEqualTo("second");
            assertThat(inner.get()).isInstanceOf(IllegalStateException.class);
            assertThat(run.taskRuns()).extracting(Run::definitionName).containsExactly("slow");
        }
    }

    /** The same cancel made from plain code, outside any flow. */
    private static final class Flow0Runner {
        static State outsideFlow(Task0<Integer> task, CountDownLatch started, CountDownLatch done) {
            TaskFuture<Integer> f = task.submit();
            try {
                started.await(10, TimeUnit.SECONDS);
                assertThat(f.cancel()).isTrue();
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return f.state();
        }
    }

    /** CachePolicy: "Policies that cache alike are equal"; the order the excluded names were given in changes nothing. */
    @Test
    void cachePoliciesExcludingTheSameNamesInAnotherOrderAreEqual() {
        CachePolicy ab = CachePolicy.inputs().excluding("client", "logger");
        CachePolicy ba = CachePolicy.inputs().excluding("logger").excluding("client");

        assertThat(ab).isEqualTo(ba);
        assertThat(ab.hashCode()).isEqualTo(ba.hashCode());
        assertThat(ab.excludedNames()).containsExactly("client", "logger"); // still as given
    }

    /** RetryPolicy: "Policies that retry alike are equal"; a jitter of -0.0 (accepted as within 0..1) is no jitter. */
    @Test
    void aJitterOfMinusZeroIsNoJitter() {
        RetryPolicy plain = RetryPolicy.fixed(2, Duration.ofSeconds(1));
        RetryPolicy minusZero = plain.withJitter(-0.0);

        assertThat(minusZero).isEqualTo(plain).isEqualTo(plain.withJitter(0.0));
        assertThat(minusZero.hashCode()).isEqualTo(plain.hashCode());
        assertThat(minusZero.jitter()).isEqualTo(0.0);
        assertThat(minusZero.toString()).isEqualTo(plain.toString());
    }

    /**
     * A body that ignores the interrupt that stops it (a cancel, a timeout), then starts a task run: {@code inner}
     * gets the run's result, or what refused it.
     */
    private static void goOnAfterInterruptAndTryATaskRun(AtomicReference<Object> inner) {
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException ignored) {
            // goes on regardless
        }
        try {
            inner.set(Task.of("inner", () -> "ran").run());
        } catch (Throwable refused) {
            inner.set(refused);
        }
    }
}
