package dev.sluice;

import java.util.Map;
import java.util.ServiceLoader;

/**
 * Carries a context (a trace, baggage) from where a run is asked for to where it runs, possibly in
 * another JVM: {@link #inject} writes the context current on the calling thread into a map of text
 * (such as W3C {@code traceparent} and {@code tracestate}), which is stored with the request; the
 * process that runs it later puts it back in force with {@link #extract} around starting the run.
 * This is how a flow run a worker starts for {@code DeploymentClient.trigger(...)} becomes part of the
 * trace the trigger was called in.
 *
 * <p>Implementations are found with {@link ServiceLoader} (list the class in
 * {@code META-INF/services/dev.sluice.ContextCarrier}); {@link #installed()} combines them. They must
 * be thread-safe and must not throw.
 */
public interface ContextCarrier {
    /** Writes the context current on this thread into {@code carrier}; writes nothing when there is none. */
    void inject(Map<String, String> carrier);

    /**
     * Puts the context {@code carrier} holds (as {@link #inject} wrote it, possibly in another process)
     * in force on this thread, until the returned scope is closed on this thread.
     */
    RunRecorder.Scope extract(Map<String, String> carrier);

    /**
     * The carriers on the class path, combined: each injects in turn, and their extracted scopes are
     * closed in reverse order. Found once per JVM; one that cannot be loaded or that throws is logged and
     * left out. When there is none, {@link #inject} writes nothing and {@link #extract} returns
     * {@link RunRecorder.Scope#NOOP}.
     */
    static ContextCarrier installed() {
        return dev.sluice.internal.Carriers.INSTALLED;
    }
}
