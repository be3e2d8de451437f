package dev.sluice.opentelemetry.internal;

import dev.sluice.ContextCarrier;
import dev.sluice.RunRecorder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A {@link ContextCarrier} over an OpenTelemetry text map propagator. */
public class PropagatorCarrier implements ContextCarrier {
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final TextMapPropagator propagator;

    public PropagatorCarrier(TextMapPropagator propagator) {
        this.propagator = propagator;
    }

    @Override
    public void inject(Map<String, String> carrier) {
        Objects.requireNonNull(carrier, "carrier");
        propagator.inject(Context.current(), carrier, (map, key, value) -> {
            if (map != null) {
                map.put(key, value);
            }
        });
    }

    @Override
    public RunRecorder.Scope extract(Map<String, String> carrier) {
        Objects.requireNonNull(carrier, "carrier");
        io.opentelemetry.context.Scope scope = propagator.extract(Context.current(), carrier, GETTER).makeCurrent();
        return scope::close;
    }

    @Override
    public String toString() {
        return "PropagatorCarrier[" + propagator + "]";
    }
}
