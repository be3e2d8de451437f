package dev.sluice;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Helpers for many {@link TaskFuture}s at once. */
public final class Futures {
    private Futures() {
    }

    /**
     * Waits for every future and returns their results in order. Waits for all of them even when
     * one fails, then throws the first failure (in list order), so no run is left going on unseen.
     *
     * @throws TaskFailedException the first failure
     */
    public static <R> List<R> all(Collection<? extends TaskFuture<? extends R>> futures) {
        Objects.requireNonNull(futures, "futures");
        List<R> results = new ArrayList<>(futures.size());
        RuntimeException first = null;
        for (TaskFuture<? extends R> f : futures) {
            try {
                results.add(f.join());
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
                results.add(null);
            }
        }
        if (first != null) {
            throw first;
        }
        return results;
    }
}
