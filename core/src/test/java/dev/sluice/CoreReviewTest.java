package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Adversarial checks of the core API's Javadoc promises, from a new user's point of view. */
@Timeout(30)
class CoreReviewTest {
    @TempDir
    Path home;
    SluiceRuntime runtime;

    SluiceRuntime runtime() {
        if (runtime == null) {
            runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                    .resultStore(ResultStore.inMemory()).sleeper(d -> { }).build();
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
    void aTaskJoiningItsOwnFutureIsRefusedRatherThanWaitingForEver() {
        AtomicReference<TaskFuture<String>> self = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        AtomicReference<Throwable> joinError = new AtomicReference<>();
        Task0<String> selfJoining = Task.of("self-joining", () -> {
            handed.await();
            try {
                return self.get().join();
            } catch (RuntimeException e) {
                joinError.set(e);
                throw e;
            }
        });
        Flow0<String> flow = Flow.of("self-join", () -> {
            self.set(selfJoining.submit());
            handed.countDown();
            return self.get().join();
        });

        FlowRun<String> run = runtime().call(flow::runForState);

        assertThat(joinError.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot wait for itself");
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.taskRuns()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(State.FAILED));
    }

    @Test
    void theCompletableFutureViewOfItsOwnRunIsRefusedToo() {
        AtomicReference<TaskFuture<String>> self = new AtomicReference<>();
        CountDownLatch handed = new CountDownLatch(1);
        Task0<String> selfJoining = Task.of("self-joining", () -> {
            handed.await();
            return self.get().toCompletableFuture().get();
        }).withTimeout(Duration.ofSeconds(20)); // the body on a thread of its own: still its own run

        Throwable thrown = catchThrowable(() -> runtime().call(() -> {
            self.set(selfJoining.submit());
            handed.countDown();
            return self.get().join();
        }));

        assertThat(thrown).isInstanceOf(TaskFailedException.class).hasRootCauseInstanceOf(IllegalStateException.class);
        assertThat(self.get().state()).isEqualTo(State.FAILED);
    }

    @Test
    void addTagsWithANullTagThrowsIllegalArgumentExceptionAsDocumented() {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        FlowRun<Integer> run = runtime().call(() -> Flow.of("tagging", () -> {
            thrown.set(catchThrowable(() -> RunContext.addTags("ok", null)));
            return 1;
        }).runForState());

        // "@throws IllegalArgumentException for a null or blank tag"
        assertThat(thrown.get()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        assertThat(run.tags()).doesNotContain("ok");
    }
}
