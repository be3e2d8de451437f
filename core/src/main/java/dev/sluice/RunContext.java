package dev.sluice;

import dev.sluice.internal.Frame;
import dev.sluice.internal.RunRecord;
import dev.sluice.internal.RuntimeState;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the code of a task or flow can ask about the run it is in, and the state it may keep with
 * that run. Works anywhere: outside a run, {@link #logger()} is a plain logger (with a warning,
 * once) and the look-ups are empty.
 */
public final class RunContext {
    private static final Logger PLAIN = LoggerFactory.getLogger("sluice");

    private RunContext() {
    }

    /**
     * A logger for the current run: every line carries the flow run and task run ids in the MDC
     * ({@code sluice.flowRunId}, {@code sluice.taskRunId}), is kept with the run
     * ({@link Run#logs()}), and has every revealed secret masked. Outside a run, the plain logger
     * {@code sluice}; the first such call in a runtime warns that those lines belong to no run.
     */
    public static Logger logger() {
        Frame frame = Frame.current();
        RunRecord run = frame.run();
        if (run != null) {
            return run.logger();
        }
        if (RuntimeState.current().firstPlainLogger()) {
            PLAIN.warn("RunContext.logger() was called outside any flow or task run: its lines go to the logger 'sluice'"
                    + " and are kept with no run (this warning is given once)");
        }
        return PLAIN;
    }

    /** The flow run the calling code runs in, if any. */
    public static Optional<FlowRun<?>> flowRun() {
        return Optional.ofNullable(Frame.current().flow());
    }

    /** The task run the calling code runs in, if any. */
    public static Optional<TaskRun> taskRun() {
        return Optional.ofNullable(Frame.current().task());
    }

    /** The runtime the calling code runs under (same as {@link SluiceRuntime#current()}). */
    public static SluiceRuntime runtime() {
        return SluiceRuntime.current();
    }

    /**
     * Adds tags to the innermost run the calling code is in (the task run, else the flow run), while
     * it goes on: its {@link Run#tags()} include them from now on and the runtime's recorders are
     * told. Runs started after this inherit them as usual.
     *
     * @throws IllegalStateException outside any run
     * @throws IllegalArgumentException for a null or blank tag
     */
    public static void addTags(String... tags) {
        Objects.requireNonNull(tags, "tags");
        RunRecord run = Frame.current().run();
        if (run == null) {
            throw new IllegalStateException("RunContext.addTags is for code inside a flow or task run; "
                    + "outside one, use Tags.with(...) or withTags(...)");
        }
        run.addTags(Tags.check(java.util.Arrays.asList(tags))); // asList: a null tag reaches the check (List.of would throw a bare NPE)
    }

    /**
     * The value of {@code key} kept with the innermost run the calling code is in (the task run,
     * else the flow run), made by {@code initial} the first time it is asked for. The value lives
     * as long as the run: every attempt of a retried task sees the same one, and it is dropped when
     * the run has ended and its hooks have run (hooks run in the enclosing run's context: see {@link Hook}). {@code initial} may itself ask for other attributes of
     * the run (a client made from a setting kept with the run). Outside any run, a fresh
     * {@code initial.get()} each call.
     */
    public static <T> T attribute(Key<T> key, Supplier<? extends T> initial) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(initial, "initial");
        RunRecord run = Frame.current().run();
        if (run == null) {
            return Objects.requireNonNull(initial.get(), "initial value");
        }
        return run.attribute(key, initial);
    }

    /** The value of {@code key} kept with the innermost run, if one was made. */
    public static <T> Optional<T> attribute(Key<T> key) {
        Objects.requireNonNull(key, "key");
        RunRecord run = Frame.current().run();
        return run == null ? Optional.empty() : Optional.ofNullable(run.attributeIfPresent(key));
    }

    /**
     * The calling code's context (runtime, run, tag scope, enclosing retries), to carry to a thread
     * of your own: code run through the snapshot on another thread logs to the same run (with the
     * run ids in the SLF4J MDC while it runs, as in the run's body, for your own loggers too, and,
     * while the run goes on, what recorders put in force around the body ({@link RunRecorder#enter}),
     * such as the run's tracing span), loads
     * blocks from the same runtime, and its runs are part of the same flow run (while that run goes
     * on: once it ended, a run started through the snapshot is refused with an {@link IllegalStateException}).
     *
     * <pre>{@code
     * RunContext.Snapshot here = RunContext.snapshot();
     * pool.submit(here.wrap(() -> RunContext.logger().info("still in the task run")));
     * }</pre>
     */
    public static Snapshot snapshot() {
        return new Snapshot(Frame.current().capture());
    }

    /** A captured context; see {@link #snapshot()}. Immutable and usable from any thread. */
    public static final class Snapshot {
        private final Frame frame;

        private Snapshot(Frame frame) {
            this.frame = frame;
        }

        /** Runs {@code body} in the captured context on the calling thread and returns its result. */
        public <T extends @Nullable Object> T call(Supplier<T> body) {
            Objects.requireNonNull(body, "body");
            return Frame.callInRun(frame, body::get);
        }

        /** Runs {@code body} in the captured context on the calling thread. */
        public void run(Runnable body) {
            Objects.requireNonNull(body, "body");
            call(() -> {
                body.run();
                return null;
            });
        }

        /** {@code body} made to run in the captured context, on whatever thread runs it. */
        public Runnable wrap(Runnable body) {
            Objects.requireNonNull(body, "body");
            return () -> run(body);
        }

        /** {@code body} made to run in the captured context, on whatever thread calls it. */
        public <T extends @Nullable Object> java.util.concurrent.Callable<T> wrap(java.util.concurrent.Callable<T> body) {
            Objects.requireNonNull(body, "body");
            return () -> Frame.callInRun(frame, body::call);
        }
    }

    /**
     * The key of a value kept with a run ({@link #attribute(Key, Supplier)}). Keys are compared by
     * identity: keep each in a {@code static final} field.
     *
     * @param <T> the type of the value
     */
    public static final class Key<T> {
        private final String name;

        private Key(String name) {
            this.name = name;
        }

        /** A new key; {@code name} is for messages only. */
        public static <T> Key<T> of(String name) {
            return new Key<>(Objects.requireNonNull(name, "name"));
        }

        /** The name given to {@link #of}. */
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "RunContext.Key[" + name + "]";
        }

        @SuppressWarnings("unchecked")
        static <T> @Nullable T cast(@Nullable Object o) {
            return (T) o;
        }
    }
}
