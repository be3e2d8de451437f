package dev.sluice;

import dev.sluice.internal.Spec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A task of two arguments; made by {@link Task#of(String, dev.sluice.function.ThrowingBiFunction)}.
 *
 * @param <A> the first argument type
 * @param <B> the second argument type
 * @param <R> the result type
 */
public final class Task2<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> extends BaseTask<Task2<A, B, R>> {
    Task2(Spec spec) {
        super(spec);
    }

    @Override
    Task2<A, B, R> copy(Spec spec) {
        return new Task2<>(spec);
    }

    /**
     * Runs the task and returns its result.
     * An {@link Error} thrown by the body (the run is {@link State#CRASHED}) is rethrown as is.
     *
     * @throws TaskFailedException if the run failed, timed out or was cancelled
     */
    public R run(A a, B b) {
        return run0(a, b);
    }

    /** Starts the task concurrently. */
    public TaskFuture<R> submit(A a, B b) {
        return submit0(a, b);
    }

    /** Submits one run per pair {@code (as[i], bs[i])}; the lists must be the same size. */
    public List<TaskFuture<R>> map(List<? extends A> as, List<? extends B> bs) {
        Objects.requireNonNull(as, "as");
        Objects.requireNonNull(bs, "bs");
        if (as.size() != bs.size()) {
            throw new IllegalArgumentException("map needs lists of the same size, got " + as.size() + " and " + bs.size());
        }
        List<TaskFuture<R>> futures = new ArrayList<>(as.size());
        Iterator<? extends B> ib = bs.iterator();
        for (A a : as) {
            futures.add(submit(a, ib.next()));
        }
        return List.copyOf(futures);
    }
}
