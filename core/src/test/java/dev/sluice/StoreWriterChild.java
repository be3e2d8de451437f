package dev.sluice;

import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A separate program for {@link ResultStoreKilledWriterTest}: writes large entries to a file result
 * store in a loop, printing {@code WRITING} once the first is stored, until it is killed.
 * Argument: the store's folder.
 */
final class StoreWriterChild {
    private StoreWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        ResultStore store = ResultStore.files(Path.of(args[0]));
        String big = "\"" + "x".repeat(8 * 1024 * 1024) + "\"";
        for (long i = 0; ; i++) {
            store.write(new CachedResult("b".repeat(64), "writer", null, "run-" + i, Instant.now(), "java.lang.String", big));
            if (i == 0) {
                System.out.println("WRITING");
                System.out.flush();
            }
        }
    }
}
