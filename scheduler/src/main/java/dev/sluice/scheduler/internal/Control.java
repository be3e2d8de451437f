package dev.sluice.scheduler.internal;

import dev.sluice.FlowRun;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.TaskRun;
import dev.sluice.scheduler.DeploymentRun;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The worker's view into the flow runs it runs: learns the run history's flow run id of each (the
 * first top-level flow run on the thread that runs it), and carries a cancel from another process to
 * the flow: the flow's thread is interrupted at once (a blocking call inside a task ends with an
 * {@link InterruptedException}), and again at every task run that starts after, so the flow ends
 * {@code CANCELLED} at its next task boundary.
 */
public final class Control implements RunRecorder {
    /** A deployment run going on in this worker. */
    public static final class Active {
        final DeploymentRun run;
        final Thread thread;
        volatile @Nullable String flowRunId;
        volatile boolean cancelled;
        volatile boolean stopping;

        Active(DeploymentRun run, Thread thread) {
            this.run = run;
            this.thread = thread;
        }

        /** Whether a cancel reached it. */
        public boolean cancelled() {
            return cancelled;
        }

        /** The flow run id, once known. */
        public @Nullable String flowRunId() {
            return flowRunId;
        }
    }

    private final Map<Thread, Active> byThread = new ConcurrentHashMap<>();
    private final Map<String, Active> byFlowRun = new ConcurrentHashMap<>();
    private final Map<String, Active> byRun = new ConcurrentHashMap<>();
    private final BiConsumer<String, String> flowRunStarted;

    /** {@code flowRunStarted} is told (run id, flow run id) when a run's flow run starts. */
    public Control(BiConsumer<String, String> flowRunStarted) {
        this.flowRunStarted = flowRunStarted;
    }

    /** Run {@code run} starts on the calling thread. */
    public Active begin(DeploymentRun run) {
        Active a = new Active(run, Thread.currentThread());
        byThread.put(a.thread, a);
        byRun.put(run.id(), a);
        return a;
    }

    /** Where {@link DeploymentRun#current()} looks: the controls of this JVM's workers that run. */
    private static final java.util.Set<Control> LIVE = ConcurrentHashMap.newKeySet();

    /** Makes this worker's runs found by {@link DeploymentRun#current()}, until {@link #close()}. */
    public void open() {
        LIVE.add(this);
    }

    /** This worker stops. */
    public void close() {
        LIVE.remove(this);
    }

    /**
     * The deployment run the calling code is part of, in any worker of this JVM: the one whose flow run (or one of
     * its subflow runs) is the calling code's flow run, or, on a worker's own thread, the one it runs; else null.
     */
    public static @Nullable DeploymentRun current() {
        if (LIVE.isEmpty()) {
            return null;
        }
        String flowRunId = dev.sluice.RunContext.flowRun().map(Run::id).orElse(null);
        Thread thread = Thread.currentThread();
        for (Control c : LIVE) {
            Active a = flowRunId == null ? null : c.byFlowRun.get(flowRunId);
            if (a == null) {
                a = c.byThread.get(thread);
            }
            if (a != null) {
                return a.run;
            }
        }
        return null;
    }

    /** Run {@code a} has ended. */
    public void end(Active a) {
        byThread.remove(a.thread, a);
        byRun.remove(a.run.id(), a);
        String f = a.flowRunId;
        if (f != null) {
            byFlowRun.values().removeIf(x -> x == a);
        }
    }

    /** Cancels run {@code runId} if it runs here; whether it does. */
    public boolean cancel(String runId) {
        Active a = byRun.get(runId);
        if (a == null) {
            return false;
        }
        if (!a.cancelled) {
            a.cancelled = true;
            a.thread.interrupt();
        }
        return true;
    }

    /** The runs going on here. */
    public java.util.Collection<Active> active() {
        return byRun.values();
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        if (run instanceof FlowRun<?> flow) {
            if (change.state() != State.PENDING && change.state() != State.SCHEDULED) {
                return;
            }
            String parent = flow.parentFlowRunId().orElse(null);
            if (parent == null) {
                Active a = byThread.get(Thread.currentThread());
                if (a != null && a.flowRunId == null) {
                    a.flowRunId = flow.id();
                    byFlowRun.put(flow.id(), a);
                    flowRunStarted.accept(a.run.id(), flow.id());
                }
            } else {
                Active a = byFlowRun.get(parent);
                if (a != null) {
                    byFlowRun.put(flow.id(), a); // a subflow: its tasks belong to the same cancel
                    interruptIfCancelled(a);
                }
            }
        } else if (run instanceof TaskRun task && !change.state().isTerminal()) {
            Active a = byThread.get(Thread.currentThread());
            if (a == null) {
                String flowRunId = task.flowRunId().orElse(null);
                a = flowRunId == null ? null : byFlowRun.get(flowRunId);
            }
            if (a != null) {
                interruptIfCancelled(a);
            }
        }
    }

    private static void interruptIfCancelled(Active a) {
        if (a.cancelled) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "sluice-scheduler control";
    }
}
