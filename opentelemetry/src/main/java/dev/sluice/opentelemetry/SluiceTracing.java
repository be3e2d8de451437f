package dev.sluice.opentelemetry;

import dev.sluice.ContextCarrier;
import dev.sluice.RunRecorder;
import dev.sluice.opentelemetry.internal.PropagatorCarrier;
import dev.sluice.opentelemetry.internal.TracingRecorder;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * OpenTelemetry traces of the flow runs and task runs of a runtime, as a {@link RunRecorder} to add to it:
 *
 * <pre>{@code
 * SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceTracing.recorder(openTelemetry)).build();
 * }</pre>
 *
 * <p>Each run is one span, named {@code "flow <name>"} or {@code "task <name>"} after its flow or task,
 * started when the run is made and ended at its terminal state, with the times Sluice recorded. Its parent is
 * the context current where the run was made: inside a flow or task body that is the enclosing run's span
 * (or a span the body made current), for a top-level run the caller's. The run's span is current inside
 * its body, on the thread that runs it (submitted tasks, timed attempts, subflows, and code of the
 * application's run through {@code RunContext.snapshot().wrap(...)} while the run goes on).
 *
 * <p>Attributes: {@value #RUN_ID}, {@value #RUN_NAME}, {@value #RUN_KIND} ({@code flow} or {@code task}),
 * {@value #DEFINITION_NAME}, {@value #STATE}, {@value #ATTEMPTS}, and for runs of cached tasks
 * {@value #CACHE_HIT}. Each retry is an event {@value #RETRY_EVENT} with the failed attempt's (masked) message.
 * A run that did not succeed has status {@code ERROR} and an {@code exception} event with its error's type,
 * message and stack trace as Sluice recorded them: masked, every secret the run revealed replaced. The raw
 * exception is never recorded.
 */
public final class SluiceTracing {
    /** The run's id. */
    public static final String RUN_ID = "sluice.run.id";
    /** The run's name. */
    public static final String RUN_NAME = "sluice.run.name";
    /** {@code flow} or {@code task}. */
    public static final String RUN_KIND = "sluice.run.kind";
    /** The name of the flow or task. */
    public static final String DEFINITION_NAME = "sluice.definition.name";
    /** The terminal state. */
    public static final String STATE = "sluice.run.state";
    /** Attempts started. */
    public static final String ATTEMPTS = "sluice.run.attempts";
    /** For runs of cached tasks: whether the result came from the cache. */
    public static final String CACHE_HIT = "sluice.cache.hit";
    /** The event of a failed attempt that is retried. */
    public static final String RETRY_EVENT = "sluice.retry";

    private SluiceTracing() {
    }

    /** A recorder that makes a span of every run it is told of, with {@code openTelemetry}'s tracer. */
    public static RunRecorder recorder(OpenTelemetry openTelemetry) {
        return new TracingRecorder(Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer("dev.sluice"));
    }

    /**
     * A context carrier with {@code openTelemetry}'s propagators. With this module on the class path, a
     * carrier with the W3C trace context and baggage propagators is found by {@link ContextCarrier#installed()}
     * (no code needed); this one is for an application that wants its own propagators used elsewhere.
     */
    public static ContextCarrier contextCarrier(OpenTelemetry openTelemetry) {
        return new PropagatorCarrier(Objects.requireNonNull(openTelemetry, "openTelemetry").getPropagators()
                .getTextMapPropagator());
    }
}
