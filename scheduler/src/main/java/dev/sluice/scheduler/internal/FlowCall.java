package dev.sluice.scheduler.internal;

import dev.sluice.BaseFlow;
import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Flow2;
import dev.sluice.Flow3;
import dev.sluice.FlowRun;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a deployment calls its flow from checked, canonical parameter values: as one record built
 * from all of them, or as 0 to 3 positional arguments by name.
 */
public final class FlowCall {
    private final BaseFlow<?> flow;
    private final @Nullable Class<?> record;
    private final List<String> names;
    private final List<Class<?>> types;

    private FlowCall(BaseFlow<?> flow, @Nullable Class<?> record, List<String> names, List<Class<?>> types) {
        this.flow = flow;
        this.record = record;
        this.names = names;
        this.types = types;
    }

    /** A flow of one record argument, built from all parameters. */
    public static FlowCall ofRecord(Flow<?, ?> flow, Class<?> record) {
        return new FlowCall(flow, record, List.of(), List.of());
    }

    /** A flow of 0 to 3 arguments, one parameter each, named as the flow names them. */
    public static FlowCall ofArguments(BaseFlow<?> flow, List<String> names, List<Class<?>> types) {
        return new FlowCall(flow, null, List.copyOf(names), List.copyOf(types));
    }

    /** Runs the flow with {@code values} (checked and canonical; absent optional parameters missing). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public FlowRun<?> run(Map<String, Object> values) {
        if (record != null) {
            Object argument = convert(values, record);
            return ((Flow) flow).runForState(argument);
        }
        Object[] args = new Object[names.size()];
        for (int i = 0; i < args.length; i++) {
            Object v = values.get(names.get(i));
            args[i] = v == null ? null : convert(v, types.get(i));
        }
        if (flow instanceof Flow0<?> f0) {
            return f0.runForState();
        }
        if (flow instanceof Flow<?, ?> f1) {
            return ((Flow) f1).runForState(args[0]);
        }
        if (flow instanceof Flow2<?, ?, ?> f2) {
            return ((Flow2) f2).runForState(args[0], args[1]);
        }
        return ((Flow3) Objects.requireNonNull((Flow3<?, ?, ?, ?>) flow)).runForState(args[0], args[1], args[2]);
    }

    private static Object convert(Object value, Class<?> type) {
        try {
            return Json.MAPPER.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameters do not convert to " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
