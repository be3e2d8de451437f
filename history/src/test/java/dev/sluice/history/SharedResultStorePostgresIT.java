package dev.sluice.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.TaskFuture;
import dev.sluice.block.Secret;
import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history's shared result store on a PostgreSQL server that goes away and comes back. */
class SharedResultStorePostgresIT {
    private static final String KEY = "9".repeat(64);

    @Test
    void whileTheServerIsDownCachedTasksComputeAndALockReleasedMeanwhileIsFreedOnceItIsBack(@TempDir Path data,
            @TempDir Path home) throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
        int port = own.getPort();
        HistoryDatabase db = HistoryDatabase.of(own.getJdbcUrl("postgres", "postgres"), "postgres", Secret.of(""))
                .withConnectTimeout(Duration.ofSeconds(1));
        AtomicInteger calls = new AtomicInteger();
        Task<String, Integer> length = Task.of("pg-length", (String s) -> {
            calls.incrementAndGet();
            return s.length();
        }).withCache(CachePolicy.inputs());
        try (History history = History.builder(db).heartbeat(Duration.ofMillis(200), Duration.ofMinutes(10)).open();
                SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                        .resultStore(history.resultStore()).build()) {
            assertThat(runtime.call(() -> length.run("abc"))).isEqualTo(3);
            TaskFuture<Integer> hit = runtime.call(() -> length.submit("abc"));
            assertThat(hit.join()).isEqualTo(3);
            assertThat(hit.run().state()).isEqualTo(State.CACHED);
            ResultStore.Lock held = history.resultStore().lock(KEY);

            own.close(); // the server stops
            assertThatThrownBy(held::close).as("the release cannot reach the server").isInstanceOf(IOException.class);
            long started = System.nanoTime();
            TaskFuture<Integer> during = runtime.call(() -> length.submit("abcd"));
            assertThat(during.join()).isEqualTo(4);
            assertThat(during.run().state()).as("a store that is down is a miss").isEqualTo(State.COMPLETED);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));

            own = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
            try (History other = History.open(db)) { // another process's history on the same database
                CompletableFuture<ResultStore.Lock> waiting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return other.resultStore().lock(KEY);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try {
                    waiting.get(20, TimeUnit.SECONDS).close();
                } finally {
                    waiting.cancel(true);
                }
            }
            TaskFuture<Integer> after = runtime.call(() -> length.submit("abc"));
            assertThat(after.join()).isEqualTo(3);
            assertThat(after.run().state()).as("entries from before the outage are served again").isEqualTo(State.CACHED);
            assertThat(calls).hasValue(2);
        } finally {
            own.close();
        }
    }
}
