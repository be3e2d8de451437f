package dev.sluice.internal;

import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a thread is running inside: the current flow run, the current task run, and the tags in
 * force. Immutable; entering a run or a tag scope installs a new frame and restores the old one.
 */
public final class Frame {
    static final Frame EMPTY = new Frame(null, null, Set.of());
    private static final ThreadLocal<Frame> CURRENT = ThreadLocal.withInitial(() -> EMPTY);

    final @Nullable FlowRunRecord flow;
    final @Nullable TaskRunRecord task;
    final Set<String> tags;

    Frame(@Nullable FlowRunRecord flow, @Nullable TaskRunRecord task, Set<String> tags) {
        this.flow = flow;
        this.task = task;
        this.tags = tags;
    }

    public static Frame current() {
        return CURRENT.get();
    }

    /** Installs {@code frame} on this thread and returns the one it replaces. */
    public static Frame enter(Frame frame) {
        Frame previous = CURRENT.get();
        CURRENT.set(frame);
        return previous;
    }

    public static void restore(Frame previous) {
        CURRENT.set(previous);
    }

    public @Nullable FlowRunRecord flow() {
        return flow;
    }

    public @Nullable TaskRunRecord task() {
        return task;
    }

    public Set<String> tags() {
        return tags;
    }

    /** This frame with more tags in force. */
    public Frame withTags(Set<String> more) {
        if (more.isEmpty() || tags.containsAll(more)) {
            return this;
        }
        Set<String> all = new LinkedHashSet<>(tags);
        all.addAll(more);
        return new Frame(flow, task, Set.copyOf(all));
    }

    /** The innermost run, if any. */
    public @Nullable RunRecord run() {
        return task != null ? task : flow;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }
}
