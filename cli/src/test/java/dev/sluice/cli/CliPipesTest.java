package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command's standard output going away under it, as when it is piped to {@code head}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliPipesTest {
    @TempDir
    Path home;

    /**
     * Standard output as a pipe whose reader has gone after {@code lines} lines: the JVM's {@code System.out} is a
     * PrintStream over such a stream, which keeps the IOException (EPIPE) to itself.
     */
    static final class ClosingPipe extends OutputStream {
        private final ByteArrayOutputStream read = new ByteArrayOutputStream();
        private int lines;
        private boolean closed;

        ClosingPipe(int lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (closed) {
                throw new IOException("Broken pipe");
            }
            read.write(b);
            if (b == '\n' && --lines == 0) {
                closed = true;
            }
        }

        synchronized String read() {
            return read.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void logsFollowStopsOnceNobodyReadsItsOutputAnyMore() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        // threads of its own: on JDK 25 supplyAsync without an executor uses the common pool, one thread on 2 cores,
        // where the flow's blocked thread would keep the follower from starting
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions().build()) {
            CompletableFuture<FlowRun<String>> running = CompletableFuture.supplyAsync(() -> runtime.runForState(
                    Flow.of("ticking", (Integer n) -> {
                        for (int i = 0; i < n; i++) {
                            RunContext.logger().info("tick {}", i);
                        }
                        started.countDown();
                        release.await();
                        return "done";
                    }), 5), threads);
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            history.flush();
            String id = history.flowRuns(FlowRunQuery.all()).items().get(0).id();

            ClosingPipe pipe = new ClosingPipe(2); // `sluice runs logs ID --follow | head -2`
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> SluiceCli.builder()
                    .out(new PrintStream(pipe, true, StandardCharsets.UTF_8)).err(new PrintStream(err, true, StandardCharsets.UTF_8))
                    .environment(Map.of()).terminal(false).home(home).build().run("runs", "logs", id, "--follow"), threads);
            try {
                assertThat(follow.get(10, TimeUnit.SECONDS)).as("the exit code once its reader went").isZero();
                assertThat(pipe.read()).contains("tick 0", "tick 1").doesNotContain("tick 2");
                assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
                assertThat(running).isNotDone();
            } finally {
                release.countDown();
                running.get(20, TimeUnit.SECONDS);
                follow.get(20, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
