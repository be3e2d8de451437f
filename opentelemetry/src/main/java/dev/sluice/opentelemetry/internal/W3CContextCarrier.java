package dev.sluice.opentelemetry.internal;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The carrier {@link java.util.ServiceLoader} finds: W3C trace context ({@code traceparent}, {@code tracestate})
 * and baggage. It does not ask {@code GlobalOpenTelemetry} (which would fix the global instance as a side
 * effect of loading it): the W3C propagators need no SDK.
 */
public final class W3CContextCarrier extends PropagatorCarrier {
    public W3CContextCarrier() {
        super(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance()));
    }
}
