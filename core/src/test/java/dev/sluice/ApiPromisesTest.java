package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.cache.ResultStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promises of the public Javadoc, one test each, on the paths the other tests leave out. */
class ApiPromisesTest {
    @TempDir
    Path home;
    final List<Duration> slept = new CopyOnWriteArrayList<>();
    SluiceRuntime runtime;

    SluiceRuntime runtime() {
        if (runtime == null) {
            runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                    .resultStore(ResultStore.inMemory()).sleeper(slept::add).build();
        }
        return runtime;
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void futuresAllWaitsForTheOthersWhenARunCrashed() {
        CountDownLatch crashed = new CountDownLatch(1);
        AtomicBoolean slowEnded = new AtomicBoolean();
        Task0<String> crash = Task.<String>of("crash", () -> {
            crashed.countDown();
            throw new AssertionError("boom");
        });
        Task0<String> slow = Task.<String>of("slow", () -> {
            crashed.await(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            slowEnded.set(true);
            return "s";
        });

        Throwable thrown = catchThrowable(() -> runtime().call(() -> Futures.all(List.of(crash.submit(), slow.submit()))));

        // "Waits for all of them even when one fails, then throws the first failure"
        assertThat(slowEnded).as("the other run ended before Futures.all threw").isTrue();
        assertThat(thrown).isInstanceOf(AssertionError.class).hasMessage("boom");
    }

    @Test
    void aFlowRetriesOnTheErrorOfASubmittedRunNobodyJoined() {
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> io = Task.<String>of("io", () -> {
            attempts.incrementAndGet();
            throw new IOException("disk");
        });
        Flow0<String> flow = Flow.<String>of("submits-and-forgets", () -> {
            io.submit();
            return "done";
        }).withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO).retryOn(IOException.class));

        FlowRun<String> run = runtime().call(flow::runForState);

        // retryOn: "a task run (or subflow) that failed with such an error counts as one"
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.attempts()).isEqualTo(3);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aFlowAbortsOnTheErrorOfASubmittedRunNobodyJoined() {
        AtomicInteger attempts = new AtomicInteger();
        Task0<String> io = Task.<String>of("io", () -> {
            attempts.incrementAndGet();
            throw new IOException("disk");
        });
        Flow0<String> flow = Flow.<String>of("submits-and-forgets", () -> {
            io.submit();
            return "done";
        }).withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO).retryOn(Exception.class).abortOn(IOException.class));

        FlowRun<String> run = runtime().call(flow::runForState);

        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.attempts()).isEqualTo(1);
        assertThat(attempts).hasValue(1);
    }
}
