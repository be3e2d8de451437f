package dev.sluice.opentelemetry.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.TaskRun;
import dev.sluice.opentelemetry.SluiceTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recorder behind {@link SluiceTracing#recorder}: a span per run from its first state to its terminal one,
 * kept (with the context it is current in) with the run ({@link RunRecorder.Slot}) while the run goes on.
 */
public final class TracingRecorder implements RunRecorder {
    private static final AttributeKey<String> RUN_ID = AttributeKey.stringKey(SluiceTracing.RUN_ID);
    private static final AttributeKey<String> RUN_NAME = AttributeKey.stringKey(SluiceTracing.RUN_NAME);
    private static final AttributeKey<String> RUN_KIND = AttributeKey.stringKey(SluiceTracing.RUN_KIND);
    private static final AttributeKey<String> DEFINITION_NAME = AttributeKey.stringKey(SluiceTracing.DEFINITION_NAME);
    private static final AttributeKey<String> STATE = AttributeKey.stringKey(SluiceTracing.STATE);
    private static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey(SluiceTracing.ATTEMPTS);
    private static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey(SluiceTracing.CACHE_HIT);
    private static final AttributeKey<String> MESSAGE = AttributeKey.stringKey("sluice.message");
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey("exception.stacktrace");

    private final Tracer tracer;
    /** The context of each run going on: its parent's with the run's span. */
    private final RunRecorder.Slot<Context> live = RunRecorder.Slot.create();
    /** Span names by definition name ("task load", "flow etl"): made once, not for every run. */
    private final ConcurrentHashMap<String, String> taskSpanNames = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> flowSpanNames = new ConcurrentHashMap<>();

    public TracingRecorder(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void stateChanged(Run run, StateChange change) {
        State state = change.state();
        if (state == State.PENDING || state == State.SCHEDULED) {
            start(run, change);
            return;
        }
        if (state.isTerminal()) {
            Context context = live.get(run);
            if (context != null) {
                live.set(run, null);
                end(Span.fromContext(context), run, change);
            }
            return;
        }
        if (state == State.RETRYING) {
            Context context = live.get(run);
            if (context != null && Span.fromContext(context).isRecording()) {
                String message = change.message();
                Span.fromContext(context).addEvent(SluiceTracing.RETRY_EVENT,
                        message == null ? Attributes.empty() : Attributes.of(MESSAGE, message), change.at());
            }
        }
    }

    private void start(Run run, StateChange change) {
        boolean task = run instanceof TaskRun;
        String definition = run.definitionName();
        Context parent = parentOf();
        Span span = tracer.spanBuilder(spanName(task, definition))
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(change.at())
                .setAttribute(RUN_KIND, task ? "task" : "flow")
                .setAttribute(DEFINITION_NAME, definition)
                .startSpan();
        if (span.isRecording()) { // a span not sampled spares making the id's and the name's text
            span.setAttribute(RUN_ID, run.id());
            span.setAttribute(RUN_NAME, run.name());
        }
        live.set(run, parent.with(span));
    }

    /**
     * The context a new run's span is a child of: the current one when it has a span (the enclosing run's, made
     * current around its body, or the application's own); else, on a thread that carries the run context but not
     * the trace context (a task started through {@code RunContext.snapshot().wrap(...)} on a pool of the
     * application's), the context of the run it is started from.
     */
    private Context parentOf() {
        Context current = Context.current();
        if (Span.fromContext(current).getSpanContext().isValid()) {
            return current;
        }
        Run enclosing = dev.sluice.RunContext.taskRun().<Run>map(t -> t).or(() -> dev.sluice.RunContext.flowRun().map(f -> f))
                .orElse(null);
        Context of = enclosing == null ? null : live.get(enclosing);
        return of != null ? of : current;
    }

    private String spanName(boolean task, String definition) {
        ConcurrentHashMap<String, String> names = task ? taskSpanNames : flowSpanNames;
        String name = names.get(definition);
        if (name == null) {
            if (names.size() > 10_000) {
                names.clear(); // definitions made by the thousand (names from data): do not keep them all
            }
            name = (task ? "task " : "flow ") + definition;
            names.put(definition, name);
        }
        return name;
    }

    private static void end(Span span, Run run, StateChange change) {
        if (!span.isRecording()) {
            span.end(change.at());
            return;
        }
        State state = change.state();
        span.setAttribute(STATE, state.name());
        span.setAttribute(ATTEMPTS, (long) run.attempts());
        if (run instanceof TaskRun task && (state == State.CACHED || task.cacheKey().isPresent())) {
            span.setAttribute(CACHE_HIT, state == State.CACHED);
        }
        if (!state.isSuccess()) {
            ErrorInfo error = run.error().orElse(null);
            if (error != null) {
                // the masked text Sluice recorded, never the throwable: its message may hold a secret
                span.addEvent("exception", Attributes.of(EXCEPTION_TYPE, error.type(), EXCEPTION_MESSAGE, error.message(),
                        EXCEPTION_STACKTRACE, error.stackTrace()), change.at());
                span.setStatus(StatusCode.ERROR, error.summary());
            } else {
                String message = change.message();
                span.setStatus(StatusCode.ERROR, message != null ? message : state.name());
            }
        }
        span.end(change.at());
    }

    @Override
    public Scope enter(Run run) {
        Context context = live.get(run);
        if (context == null) {
            return Scope.NOOP;
        }
        io.opentelemetry.context.Scope scope = context.makeCurrent();
        return scope::close;
    }

    @Override
    public String toString() {
        return "SluiceTracing[" + tracer + "]";
    }
}
