package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    @Test
    void twoHundredSleepingTasksTakeAboutCeilOfNOverConcurrencySleeps() {
        int concurrency = 20;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Task<Integer, Integer> nap = Task.of("nap", (Integer i) -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(50);
            } finally {
                running.decrementAndGet();
            }
            return i;
        });
        Flow0<List<Integer>> f = Flow.of("fan-out", () -> {
            List<Integer> inputs = IntStream.range(0, 200).boxed().toList();
            return Futures.all(nap.map(inputs));
        }).withMaxConcurrency(concurrency);

        long start = System.nanoTime();
        FlowRun<List<Integer>> run = f.runForState();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(run.result()).hasSize(200).startsWith(0, 1, 2).endsWith(199);
        assertThat(peak.get()).as("never more than the bound at once").isLessThanOrEqualTo(concurrency)
                .as("the bound is used").isGreaterThanOrEqualTo(concurrency / 2);
        int rounds = (200 + concurrency - 1) / concurrency; // 10 sleeps of 50 ms
        assertThat(elapsedMs).isGreaterThanOrEqualTo(rounds * 50L)
                .as("about %d sleeps, well under the 200 a sequential run takes", rounds).isLessThan(200 * 50L);
        assertThat(run.taskRunCount()).isEqualTo(200);
        assertThat(run.taskRuns()).hasSize(200).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
    }

    @Test
    void mapAndFuturesAllKeepOrder() {
        Task<String, Integer> len = Task.of("len", (String s) -> s.length());
        List<Integer> lengths = Flow.of("m", (List<String> in) -> Futures.all(len.map(in)))
                .run(List.of("a", "bb", "ccc"));
        assertThat(lengths).containsExactly(1, 2, 3);
    }

    @Test
    void aFailedFutureThatNobodyJoinedFailsTheFlow() {
        Task0<String> bad = Task.of("bad", () -> {
            throw new IOException("lost");
        });
        FlowRun<String> run = Flow.of("fire-and-forget", () -> {
            bad.submit();
            return "done";
        }).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e.message()).contains("never joined").contains("lost"));
    }

    @Test
    void theFlowWaitsForSubmittedRunsBeforeItEnds() {
        AtomicInteger done = new AtomicInteger();
        Task0<Integer> slow = Task.of("slow", () -> {
            Thread.sleep(100);
            return done.incrementAndGet();
        });
        FlowRun<String> run = Flow.of("waits", () -> {
            for (int i = 0; i < 5; i++) {
                slow.submit();
            }
            return "returned early";
        }).runForState();
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(done).hasValue(5);
        assertThat(run.taskRuns()).hasSize(5).allSatisfy(t -> assertThat(t.state()).isEqualTo(State.COMPLETED));
    }

    @Test
    void futuresAllWaitsForEveryRunThenThrowsTheFirstFailure() {
        Task<Integer, Integer> maybe = Task.of("maybe", (Integer i) -> {
            if (i == 1) {
                throw new IOException("one is bad");
            }
            Thread.sleep(50);
            return i;
        });
        List<TaskFuture<Integer>> futures = new ArrayList<>();
        assertThatThrownBy(() -> Flow.of("all", () -> {
            futures.addAll(maybe.map(List.of(0, 1, 2)));
            return Futures.all(futures);
        }).run()).isInstanceOf(FlowFailedException.class).hasMessageContaining("one is bad");
        assertThat(futures).allSatisfy(f -> assertThat(f.isDone()).isTrue());
        assertThat(futures.get(2).state()).isEqualTo(State.COMPLETED);
    }

    @Test
    void aQueuedRunCanBeCancelledBeforeItStarts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> blocker = Task.of("blocker", (Integer i) -> {
            release.await();
            return i;
        });
        FlowRun<String> run = Flow.of("cancel-queued", () -> {
            TaskFuture<Integer> first = blocker.submit(1);
            TaskFuture<Integer> second = blocker.submit(2); // waits: concurrency 1
            assertThat(second.state()).isEqualTo(State.SCHEDULED);
            assertThat(second.cancel()).isTrue();
            release.countDown();
            first.join();
            assertThatThrownBy(second::join).isInstanceOf(TaskFailedException.class);
            return second.state().name();
        }).withMaxConcurrency(1).runForState();
        assertThat(run.result()).isEqualTo("CANCELLED");
    }

    @Test
    void cancellingARunningFutureInterruptsItsBody() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task0<String> sleepy = Task.of("sleepy", () -> {
            started.countDown();
            Thread.sleep(60_000);
            return "never";
        });
        TaskFuture<String> f = sleepy.submit();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> f.join(java.time.Duration.ofMillis(50)))
                .isInstanceOf(SluiceException.class).hasMessageContaining("still running");
        assertThat(f.cancel()).isTrue();
        assertThatThrownBy(f::join).isInstanceOf(TaskFailedException.class)
                .satisfies(e -> assertThat(((TaskFailedException) e).state()).isEqualTo(State.CANCELLED));
        assertThat(f.run().state()).isEqualTo(State.CANCELLED);
        assertThat(f.cancel()).as("already finished").isFalse();
    }

    @Test
    void submittedTasksOutsideAFlowRunToo() {
        Task<Integer, Integer> sq = Task.of("sq", (Integer i) -> i * i);
        assertThat(Futures.all(sq.map(List.of(1, 2, 3)))).containsExactly(1, 4, 9);
    }

    @Test
    void aTimedJoinInsideASubmittedTaskRunsTheQueuedRunWithTheJoinersSlot() {
        Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> i);
        Task<Integer, Integer> midJ = Task.of("midJ", (Integer i) -> leaf.submit(i).join(Duration.ofSeconds(2)));
        FlowRun<Integer> run = Flow.named("nested").withMaxConcurrency(1).of((Integer n) ->
                Futures.all(midJ.map(List.of(1, 2, 3))).stream().mapToInt(x -> x).sum()).runForState(0);
        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(6);
    }

    @Test
    void aTaskWithATimeoutLendsItsSlotToTheRunItJoinsFromItsOwnThread() {
        Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> i);
        Task<Integer, Integer> midT = Task.named("midT").withTimeout(Duration.ofSeconds(2))
                .of((Integer i) -> leaf.submit(i).join());
        FlowRun<Integer> run = Flow.named("nested-timed").withMaxConcurrency(1).of((Integer n) ->
                Futures.all(midT.map(List.of(1, 2, 3))).stream().mapToInt(x -> x).sum()).runForState(0);
        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(6);
    }

    @Test
    void aTimedJoinOfAQueuedRunSaysItNeverStartedAndANegativeTimeoutIsRefused() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> blocker = Task.of("blocker", (Integer i) -> {
            release.await();
            return i;
        });
        FlowRun<String> run = Flow.of("queued", () -> {
            TaskFuture<Integer> first = blocker.submit(1);
            TaskFuture<Integer> second = blocker.submit(2); // queued: the flow's own thread holds no slot to lend
            try {
                assertThatThrownBy(() -> second.join(Duration.ofMillis(100))).isInstanceOf(TaskFutureException.class)
                        .hasMessageContaining("has not started after waiting PT0.1S").hasMessageNotContaining("running");
                assertThatThrownBy(() -> second.join(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("timeout must be >= 0");
            } finally {
                release.countDown();
            }
            return first.join() + "," + second.join();
        }).withMaxConcurrency(1).runForState();
        assertThat(run.result()).isEqualTo("1,2");
    }

    @Test
    void aTimedGetOnTheCompletableFutureViewRunsTheQueuedRunWithTheJoinersSlotToo() {
        Task<Integer, Integer> leaf = Task.of("leaf", (Integer i) -> i);
        Task<Integer, Integer> midC = Task.of("midC", (Integer i) -> leaf.submit(i).toCompletableFuture().get(2, TimeUnit.SECONDS));
        FlowRun<Integer> run = Flow.named("nested-cf").withMaxConcurrency(1).of((Integer n) ->
                Futures.all(midC.map(List.of(1, 2, 3))).stream().mapToInt(x -> x).sum()).runForState(0);
        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(6);
    }

    /** A task that fails once {@code release} opens. */
    private static Task<Integer, Integer> failsWhenReleased(CountDownLatch release) {
        return Task.of("t", (Integer i) -> {
            release.await();
            throw new IllegalStateException("task " + i + " failed");
        });
    }

    @Test
    void aJoinThatTimedOutSawNoFailure() {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> t = failsWhenReleased(release);
        FlowRun<String> run = Flow.of("join-timeout", () -> {
            TaskFuture<Integer> f = t.submit(2);
            assertThatThrownBy(() -> f.join(Duration.ofMillis(50))).isInstanceOf(TaskFutureException.class);
            release.countDown();
            return "returned";
        }).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e.message()).contains("never joined").contains("task 2 failed"));
    }

    @Test
    void aCompletableFutureViewOnlyComposedOnSawNoFailure() {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> t = failsWhenReleased(release);
        List<Integer> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        FlowRun<String> run = Flow.of("cf-viewed", () -> {
            t.submit(2).toCompletableFuture().thenApply(v -> v + 1).thenAccept(got::add);
            release.countDown();
            return "returned";
        }).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e.message()).contains("never joined").contains("task 2 failed"));
        assertThat(got).isEmpty();
    }

    @Test
    void aCompletableFutureViewThatHandsOverTheFailureCountsAsAJoin() {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> t = failsWhenReleased(release);
        FlowRun<String> run = Flow.of("cf-handled", () -> {
            java.util.concurrent.CompletableFuture<Integer> handled = t.submit(1).toCompletableFuture()
                    .thenApply(v -> v + 1).exceptionally(e -> -1);
            java.util.concurrent.CompletableFuture<Integer> joined = t.submit(2).toCompletableFuture();
            release.countDown();
            assertThatThrownBy(joined::join).isInstanceOf(java.util.concurrent.CompletionException.class)
                    .hasRootCauseMessage("task 2 failed");
            return handled.join() + " " + joined.isCompletedExceptionally();
        }).runForState();
        assertThat(run.state()).as("%s", run.error()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo("-1 true");
    }

    @Test
    void cancellingAQueuedRunEndsItAtOnceAndItNeverStarts() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger bodies = new AtomicInteger();
        List<String> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task<Integer, Integer> blocker = Task.named("blocker").onCancellation(r -> hooks.add("cancelled " + r.name()))
                .of((Integer i) -> {
                    bodies.incrementAndGet();
                    release.await();
                    return i;
                });
        FlowRun<String> run = Flow.of("cancel-queued-at-once", () -> {
            TaskFuture<Integer> first = blocker.submit(1);
            TaskFuture<Integer> second = blocker.submit(2); // queued behind the first: concurrency 1
            try {
                assertThat(second.cancel()).isTrue();
                // all before the first frees the slot
                assertThat(second.isDone()).isTrue();
                assertThat(second.state()).isEqualTo(State.CANCELLED);
                assertThatThrownBy(second::join).isInstanceOf(TaskFailedException.class)
                        .satisfies(e -> assertThat(((TaskFailedException) e).state()).isEqualTo(State.CANCELLED))
                        .hasMessageContaining("cancelled before it started");
                assertThat(second.cancel()).as("already ended").isFalse();
            } finally {
                release.countDown();
            }
            return first.join() + " " + second.run().history().stream().map(c -> c.state().name()).toList();
        }).withMaxConcurrency(1).runForState();
        assertThat(run.result()).isEqualTo("1 [SCHEDULED, CANCELLED]");
        assertThat(bodies).as("the cancelled run never started").hasValue(1);
        assertThat(hooks).containsExactly("cancelled blocker-1");
    }

    @Test
    void cancellingARunningBodyThatIgnoresInterruptsEndsTheRunCancelledAtOnce() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        Task<Integer, Integer> stubborn = Task.of("stubborn", (Integer i) -> {
            started.countDown();
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException ignored) {
                    // and carry on regardless
                }
            }
            finished.countDown();
            return i;
        });
        TaskFuture<Integer> f = stubborn.submit(7);
        try {
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.cancel()).isTrue();
            assertThat(f.isDone()).isTrue();
            assertThat(f.state()).isEqualTo(State.CANCELLED);
            assertThatThrownBy(f::join).isInstanceOf(TaskFailedException.class)
                    .satisfies(e -> assertThat(((TaskFailedException) e).state()).isEqualTo(State.CANCELLED));
        } finally {
            release.countDown();
        }
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(f::join).isInstanceOf(TaskFailedException.class);
        assertThat(f.run().history()).extracting(StateChange::state)
                .containsExactly(State.SCHEDULED, State.RUNNING, State.CANCELLED);
    }

    @Test
    void cancellingTheCompletableFutureViewCancelsTheRun() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer, Integer> sleepy = Task.of("sleepy", (Integer i) -> {
            started.countDown();
            Thread.sleep(60_000);
            return i;
        });
        TaskFuture<Integer> f = sleepy.submit(1);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.CompletableFuture<Integer> cf = f.toCompletableFuture();
        assertThat(cf.cancel(true)).isTrue();
        assertThat(cf.isCancelled()).isTrue();
        assertThat(f.state()).isEqualTo(State.CANCELLED);
        assertThatThrownBy(f::join).isInstanceOf(TaskFailedException.class)
                .satisfies(e -> assertThat(((TaskFailedException) e).state()).isEqualTo(State.CANCELLED));
    }
}
