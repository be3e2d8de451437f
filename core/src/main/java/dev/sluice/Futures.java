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
     * A run that crashed counts as a failure like any other: the {@link Error} its body threw is
     * rethrown as is, after the others ended.
     *
     * @throws TaskFailedException the first failure
     */
    public static <R> List<R> all(Collection<? extends TaskFuture<? extends R>> futures) {
        Objects.requireNonNull(futures, "futures");
        for (TaskFuture<? extends R> f : futures) {
            Objects.requireNonNull(f, "futures must not hold null");
        }
        List<R> results = new ArrayList<>(futures.size());
        Throwable first = null;
        for (TaskFuture<? extends R> f : futures) {
            try {
                results.add(f.join());
            } catch (RuntimeException | Error e) { // an Error is a crashed run's, rethrown by join
                if (first == null) {
                    first = e;
                }
                results.add(null);
            }
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw (RuntimeException) first;
        }
        return results;
    }
}
