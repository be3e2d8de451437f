package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetryTest {
    @RegisterExtension
    final FakeSleeper sleeper = new FakeSleeper();

    @Test
    void retriesUntilSuccessWaitingTheFixedDelay() {
        AtomicInteger calls = new AtomicInteger();
        Task<String, String> flaky = Task.of("flaky", (String s) -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("busy " + calls.get());
            }
            return s.toUpperCase();
        }).withRetries(3, Duration.ofSeconds(2));

        FlowRun<String> run = Flow.of("f", (String s) -> flaky.run(s)).runForState("ok");

        assertThat(run.result()).isEqualTo("OK");
        TaskRun task = run.taskRuns().get(0);
        assertThat(task.attempts()).isEqualTo(3);
        assertThat(sleeper.slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThat(task.history()).extracting(StateChange::state).containsExactly(
                State.PENDING, State.RUNNING, State.RETRYING, State.RUNNING, State.RETRYING, State.RUNNING, State.COMPLETED);
        assertThat(task.history().get(2).message()).contains("IOException: busy 1").contains("retry 1 of 3");
        assertThat(task.logs()).anySatisfy(l -> assertThat(l.message()).contains("retry 2 of 3"));
    }

    @Test
    void exhaustedRetriesFailWithTheLastErrorAsCause() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Object> broken = Task.of("broken", () -> {
            throw new IOException("attempt " + calls.incrementAndGet());
        }).withRetryPolicy(RetryPolicy.delays(Duration.ofMillis(10), Duration.ofMillis(20)));

        assertThatThrownBy(broken::run)
                .isInstanceOf(TaskFailedException.class)
                .hasMessageContaining("task 'broken'")
                .hasMessageContaining("FAILED after 3 attempts")
                .hasMessageContaining("java.io.IOException: attempt 3")
                .cause().isInstanceOf(IOException.class).hasMessage("attempt 3");
        assertThat(calls).hasValue(3);
        assertThat(sleeper.slept).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void exponentialDelaysAreTheComputedOnes() {
        Task0<Object> t = Task.of("exp", () -> {
            throw new IOException("down");
        }).withRetryPolicy(RetryPolicy.exponential(5, Duration.ofMillis(100), Duration.ofMillis(500)));
        assertThatThrownBy(t::run).isInstanceOf(TaskFailedException.class);
        assertThat(sleeper.slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200),
                Duration.ofMillis(400), Duration.ofMillis(500), Duration.ofMillis(500));
    }

    @Test
    void retryConditionStopsRetriesForOtherErrors() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Object> t = Task.of("cond", () -> {
            calls.incrementAndGet();
            throw new IllegalArgumentException("bad input");
        }).withRetryPolicy(RetryPolicy.fixed(5, Duration.ofMillis(1)).retryOn(IOException.class));
        assertThatThrownBy(t::run).isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(sleeper.slept).isEmpty();
    }

    @Test
    void abortOnWinsOverRetryOn() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Object> t = Task.of("abort", () -> {
            calls.incrementAndGet();
            throw new java.io.FileNotFoundException("gone");
        }).withRetryPolicy(RetryPolicy.fixed(5, Duration.ofMillis(1))
                .retryOn(IOException.class).abortOn(java.io.FileNotFoundException.class));
        assertThatThrownBy(t::run).isInstanceOf(TaskFailedException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void jitteredRetriesWaitVaryingDelays() {
        Task0<Object> t = Task.of("jitter", () -> {
            throw new IOException("down");
        }).withRetryPolicy(RetryPolicy.fixed(20, Duration.ofMillis(1000)).withJitter(0.5));
        assertThatThrownBy(t::run).isInstanceOf(TaskFailedException.class);
        assertThat(sleeper.slept).hasSize(20);
        assertThat(sleeper.slept.stream().distinct().count()).isGreaterThan(10);
        assertThat(sleeper.slept).allSatisfy(d -> assertThat(d.toMillis()).isBetween(500L, 1500L));
    }

    @Test
    void flowRetriesRerunTheBody() {
        AtomicInteger calls = new AtomicInteger();
        Flow0<Integer> f = Flow.of("retried-flow", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("first time");
            }
            return calls.get();
        }).withRetries(1, Duration.ofSeconds(5));
        FlowRun<Integer> run = f.runForState();
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(2);
        assertThat(run.attempts()).isEqualTo(2);
        assertThat(sleeper.slept).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void errorsAreNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Object> t = Task.of("oom", () -> {
            calls.incrementAndGet();
            throw new OutOfMemoryError("simulated");
        }).withRetries(3, Duration.ZERO);
        assertThatThrownBy(t::run).isInstanceOf(OutOfMemoryError.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFlowPolicyRetryingOneErrorTypeMatchesTheErrorItsTaskThrew() {
        AtomicInteger calls = new AtomicInteger();
        Task<String, String> io = Task.of("io", (String s) -> {
            if (calls.incrementAndGet() < 2) {
                throw new IOException("password=" + dev.sluice.block.Secret.of("hunter2-flow-retry").reveal());
            }
            return s;
        });
        FlowRun<String> retried = Flow.of("fl", (String s) -> io.run(s))
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ofSeconds(1)).retryOn(IOException.class)).runForState("x");
        assertThat(retried.state()).isEqualTo(State.COMPLETED);
        assertThat(retried.attempts()).isEqualTo(2);

        calls.set(0);
        FlowRun<String> aborted = Flow.of("fl", (String s) -> io.run(s))
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ofSeconds(1)).abortOn(IOException.class)).runForState("x");
        assertThat(aborted.state()).isEqualTo(State.FAILED);
        assertThat(aborted.attempts()).isEqualTo(1);

        calls.set(0);
        FlowRun<String> other = Flow.of("fl", (String s) -> io.run(s))
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ofSeconds(1)).retryOn(IllegalStateException.class))
                .runForState("x");
        assertThat(other.state()).isEqualTo(State.FAILED);
        assertThat(other.attempts()).isEqualTo(1);
    }

    @Test
    void delaysAndTimeoutsLongerThanALifetimeAreAsGoodAsNeverWithoutOverflowing() throws Exception {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        RetryPolicy jittered = RetryPolicy.fixed(1, forever).withJitter(0.5);
        assertThat(jittered.delayBefore(1)).isPositive().isLessThan(forever);
        assertThat(RetryPolicy.exponential(3, Duration.ofSeconds(1), forever).delayBefore(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(RetryPolicy.fixed(1, Duration.ZERO).withMaxDuration(forever).withMaxRetryAfter(forever)).isNotNull();

        AtomicInteger calls = new AtomicInteger();
        Task0<Object> failing = Task.of("once", () -> {
            throw new IOException("first failure " + calls.incrementAndGet());
        }).withRetryPolicy(jittered).withTimeout(forever);
        assertThatThrownBy(failing::run).isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("first failure 2");
        assertThat(sleeper.slept).singleElement().satisfies(d -> assertThat(d).isPositive());
        assertThat(Task.of("t", () -> 42).withTimeout(forever).run()).isEqualTo(42);
    }

    @Test
    void aRetryConditionThatThrowsEndsTheRetriesWithTheBodysOwnError() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Object> t = Task.named("flaky-condition").withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(1))
                .retryIf(e -> {
                    throw new IllegalStateException("condition broke");
                })).of(() -> {
                    throw new IOException("attempt " + calls.incrementAndGet());
                });

        TaskFuture<Object> f = t.submit();
        assertThatThrownBy(f::join).isInstanceOf(TaskFailedException.class);
        TaskRun run = f.run();

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.attempts()).isEqualTo(1);
        assertThat(run.error().orElseThrow().type()).isEqualTo(IOException.class.getName());
        assertThat(run.error().orElseThrow().message()).isEqualTo("attempt 1");
        assertThat(run.error().orElseThrow().stackTrace()).contains("the retryIf condition threw").contains("condition broke");

        assertThatThrownBy(() -> RetryPolicy.fixed(3, Duration.ZERO).retryIf(e -> {
            throw new IllegalStateException("condition broke");
        }).<Object, IOException>execute("call", attempt -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class).hasMessage("down")
                .satisfies(e -> assertThat(e.getSuppressed()).anySatisfy(s -> assertThat(s).hasMessageContaining("condition broke")));
    }
}
