package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one retry loop, as modules use it through {@link RetryPolicy#execute}, and {@link RetryAfter}. */
class RetrierTest {
    /** A failure carrying a server-given wait. */
    static final class Busy extends RuntimeException implements RetryAfter.Hint {
        private final Duration wait;

        Busy(Duration wait) {
            super("busy, retry after " + wait);
            this.wait = wait;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(wait);
        }
    }

    @TempDir
    Path home;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private SluiceRuntime runtime;

    @BeforeEach
    void runtime() {
        runtime = SluiceRuntime.builder().home(home).sleeper(slept::add).build();
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void retriesWithThePolicyDelaysUntilSuccess() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        String result = runtime.call(() -> {
            try {
                return RetryPolicy.fixed(3, Duration.ofSeconds(2)).execute("fetch", attempt -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("down " + attempt);
                    }
                    return "ok after " + attempt;
                });
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(result).isEqualTo("ok after 3");
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void aServerGivenWaitReplacesThePolicyDelayUpToTheCap() {
        AtomicInteger calls = new AtomicInteger();
        runtime.run(() -> RetryPolicy.fixed(2, Duration.ofSeconds(1)).execute("post", attempt -> {
            if (calls.incrementAndGet() == 1) {
                throw new Busy(Duration.ofSeconds(30));
            }
            return null;
        }));
        assertThat(slept).containsExactly(Duration.ofSeconds(30));

        slept.clear();
        calls.set(0);
        List<String> reasons = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> runtime.call(() -> RetryPolicy.fixed(5, Duration.ofSeconds(1))
                .withMaxRetryAfter(Duration.ofMinutes(1))
                .execute("post", attempt -> {
                    calls.incrementAndGet();
                    throw new Busy(Duration.ofHours(1));
                }, new RetryPolicy.Listener() {
                    @Override
                    public void gaveUp(int attempts, Throwable error, String reason) {
                        reasons.add(reason);
                    }
                })))
                .isInstanceOf(Busy.class)
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
                        .satisfies(s -> assertThat(s.getMessage()).contains("post: the server asked to retry after 1 h")
                                .contains("more than maxRetryAfter (1 min)")));
        assertThat(calls).as("no retry past the cap").hasValue(1);
        assertThat(slept).as("nothing slept").isEmpty();
        assertThat(reasons).singleElement().asString().contains("Retry-After");
    }

    @Test
    void theOverallDeadlineStopsRetriesThatWouldEndPastIt() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> runtime.call(() -> RetryPolicy.fixed(10, Duration.ofSeconds(20))
                .withMaxDuration(Duration.ofSeconds(30))
                .execute("sync", attempt -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("nope");
                }))).isInstanceOf(IllegalStateException.class)
                .satisfies(e -> assertThat(e.getSuppressed()[0].getMessage()).contains("past the deadline of 30.0 s"));
        assertThat(calls).as("the first retry ends at 20 s (fake waits count): a second would end at 40 s").hasValue(2);
    }

    @Test
    void aYieldingPolicyMakesOneAttemptInsideARetryingTaskButRetriesOnItsOwn() {
        RetryPolicy library = RetryPolicy.fixed(3, Duration.ofMillis(10)).yieldingToEnclosingRetries();
        AtomicInteger requests = new AtomicInteger();
        Task0<String> call = Task.named("call-api").withRetries(3, Duration.ofMillis(10))
                .of(() -> library.execute("request", attempt -> {
                    requests.incrementAndGet();
                    throw new IOException("503");
                }));
        assertThatThrownBy(() -> runtime.call(call::run)).isInstanceOf(TaskFailedException.class);
        assertThat(requests).as("4 task attempts x 1 request, not 4 x 4").hasValue(4);

        requests.set(0);
        Task0<String> noTaskRetries = call.withRetryPolicy(RetryPolicy.none());
        assertThatThrownBy(() -> runtime.call(noTaskRetries::run)).isInstanceOf(TaskFailedException.class);
        assertThat(requests).as("on its own the library policy retries").hasValue(4);

        requests.set(0);
        RetryPolicy explicit = RetryPolicy.fixed(1, Duration.ofMillis(10));
        Task0<String> userAsked = Task.named("call-api").withRetries(1, Duration.ofMillis(10))
                .of(() -> explicit.execute("request", attempt -> {
                    requests.incrementAndGet();
                    throw new IOException("503");
                }));
        assertThatThrownBy(() -> runtime.call(userAsked::run)).isInstanceOf(TaskFailedException.class);
        assertThat(requests).as("a policy the user set retries even inside retries").hasValue(4);
    }

    @Test
    void aNotifierWithItsOwnYieldingRetriesIsRetriedOnlyByNotify() {
        AtomicInteger sends = new AtomicInteger();
        RetryPolicy own = RetryPolicy.fixed(4, Duration.ofMillis(5)).yieldingToEnclosingRetries();
        Notify hook = Notify.via((Notification n) -> own.execute("send", attempt -> {
            sends.incrementAndGet();
            throw new IllegalStateException("webhook down");
        })).withRetries(2, Duration.ofMillis(5));
        Flow0<Object> failing = Flow.of("nightly", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(hook);
        runtime.call(failing::runForState);
        assertThat(sends).as("Notify's 3 attempts, one send each").hasValue(3);
    }

    @Test
    void anInterruptDuringTheWaitEndsTheRetriesWithTheInterruptKept() {
        try (SluiceRuntime interrupting = SluiceRuntime.builder().home(home).sleeper(d -> {
            throw new InterruptedException("stop");
        }).build()) {
            assertThatThrownBy(() -> interrupting.call(() -> RetryPolicy.fixed(3, Duration.ofSeconds(1))
                    .execute("x", attempt -> {
                        throw new IllegalStateException("fail " + attempt);
                    }))).hasMessage("fail 1");
            assertThat(Thread.interrupted()).as("the interrupt flag is set again").isTrue();
        }
    }

    @Test
    void aTaskRetryWaitsWhatTheServerAsked() {
        AtomicInteger calls = new AtomicInteger();
        Task0<Integer> t = Task.of("rate-limited", () -> {
            if (calls.incrementAndGet() == 1) {
                throw new Busy(Duration.ofSeconds(42));
            }
            return 1;
        }).withRetries(1, Duration.ofSeconds(1));
        FlowRun<Integer> run = runtime.runForState(Flow.of("f", (String s) -> t.run()), "x");
        assertThat(run.result()).isEqualTo(1);
        assertThat(slept).containsExactly(Duration.ofSeconds(42));
        assertThat(run.taskRuns().get(0).history()).anySatisfy(c -> assertThat(c.message()).contains("(Retry-After)"));
    }

    @Test
    void retryAfterReadsSecondsAndAllThreeHttpDateForms() {
        Instant now = Instant.parse("1994-11-06T08:49:00Z");
        assertThat(RetryAfter.parse("120", now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 1.5 ", now)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", now)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", now)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now)).as("a past date").contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", now)).isEmpty();
        assertThat(RetryAfter.parse("-5", now)).isEmpty();
        assertThat(RetryAfter.parse(null, now)).isEmpty();
        // what Java's number parser takes but a Retry-After is not: unreadable, so the policy's own delay applies
        for (String malformed : List.of("1e3", "2d", "3f", "0x1p4", "1.", ".5", "1.5.2", "4 5")) {
            assertThat(RetryAfter.parse(malformed, now)).as(malformed).isEmpty();
        }
        assertThat(RetryAfter.parse("99999999999999999999", now)).hasValueSatisfying(d ->
                assertThat(d).isGreaterThan(Duration.ofDays(365)));
        assertThat(RetryAfter.requestedBy(new RuntimeException(new Busy(Duration.ofSeconds(3)))))
                .contains(Duration.ofSeconds(3));
    }

    @Test
    void policyOptionsAreValidated() {
        assertThatThrownBy(() -> RetryPolicy.fixed(1, Duration.ZERO).withMaxDuration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxDuration must be positive, was PT0S");
        assertThatThrownBy(() -> RetryPolicy.fixed(1, Duration.ZERO).withMaxRetryAfter(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxRetryAfter must be >= 0, was PT-1S");
        RetryPolicy p = RetryPolicy.fixed(2, Duration.ofSeconds(1)).withMaxRetryAfter(Duration.ofSeconds(9))
                .yieldingToEnclosingRetries();
        assertThat(p.retryOn(IOException.class).maxRetryAfter()).isEqualTo(Duration.ofSeconds(9));
        assertThat(p.withJitter(0.1).yieldsToEnclosingRetries()).isTrue();
        assertThat(RetryPolicy.fixed(2, Duration.ofSeconds(1)).yieldsToEnclosingRetries()).isFalse();
    }
}
