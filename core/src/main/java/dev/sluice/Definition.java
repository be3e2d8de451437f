package dev.sluice;

import dev.sluice.internal.HookEvent;
import dev.sluice.internal.Spec;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * The options tasks and flows share: name, version, retries, timeout, tags, run name and hooks.
 * Immutable: every {@code withX} and {@code onX} returns a copy, so a prebuilt task can be
 * re-tuned without touching the original.
 *
 * @param <S> the concrete task or flow type, returned by the copy methods
 * @param <R> the kind of run its hooks receive
 */
public abstract sealed class Definition<S extends Definition<S, R>, R extends Run> permits BaseTask, BaseFlow, TaskBuilder, FlowBuilder {
    final Spec spec;

    Definition(Spec spec) {
        this.spec = spec;
    }

    abstract S copy(Spec spec);

    /** The name runs are recorded under. */
    public final String name() {
        return spec.name();
    }

    /** The version, if set. */
    public final Optional<String> version() {
        return Optional.ofNullable(spec.version());
    }

    /** The retry policy ({@link RetryPolicy#none()} unless set). */
    public final RetryPolicy retryPolicy() {
        return spec.retryPolicy();
    }

    /** The timeout per attempt, if set. */
    public final Optional<Duration> timeout() {
        return Optional.ofNullable(spec.timeout());
    }

    /** The tags every run gets. */
    public final Set<String> tags() {
        return spec.tags();
    }

    /** A copy retried up to {@code retries} times, {@code delay} apart. */
    public final S withRetries(int retries, Duration delay) {
        return copy(spec.withRetryPolicy(RetryPolicy.fixed(retries, delay)));
    }

    /** A copy retried as {@code policy} says (backoff, jitter, which errors). */
    public final S withRetryPolicy(RetryPolicy policy) {
        return copy(spec.withRetryPolicy(policy));
    }

    /**
     * A copy whose attempts are stopped at {@code timeout}: the caller gets {@link State#TIMED_OUT}
     * at the deadline even if the body ignores interruption, and the body's thread is interrupted (a
     * body that goes on regardless may start no more task runs or subflows: see {@link RunTimeoutException}).
     * When a flow's attempt times out, the task runs and subflow runs it submitted or called that still
     * go on end {@link State#CANCELLED} with it, so a flow run that ended holds no run still running
     * and {@link FlowRun#failedTaskRun()} names the one that held it up.
     * A timeout longer than about 73 years ({@code ChronoUnit.FOREVER.getDuration()}) is kept as 73
     * years, as are such retry delays: as good as never, without overflowing a deadline.
     */
    public final S withTimeout(Duration timeout) {
        return copy(spec.withTimeout(timeout));
    }

    /** A copy whose runs carry these tags as well. */
    public final S withTags(String... tags) {
        return copy(spec.withTags(tags));
    }

    /**
     * A copy whose runs are named from a template such as {@code "load-{table}"}, filled from
     * the parameters (see {@link #withParameterNames}). Placeholders are checked against the
     * parameter names when the task or flow is called, so {@code withRunName} and
     * {@code withParameterNames} may come in any order. A {@code null} value fills in as {@code null},
     * a control character (a line break) as a space, and a name that comes out blank is replaced by
     * the default name. Revealed secrets are masked, then a name longer than 200 characters (UTF-16 units)
     * is cut to 199 and ends with {@code …}; the cut falls between grapheme clusters, so it never splits
     * an emoji, a flag or a letter and its accent. The history, logs and dashboard get that name.
     *
     * @throws IllegalArgumentException (at the call) for a placeholder that names no parameter
     */
    public final S withRunName(String template) {
        return copy(spec.withRunName(template));
    }

    /** A copy with a version, recorded on runs (and part of the cache key). */
    public final S withVersion(String version) {
        return copy(spec.withVersion(version));
    }

    /**
     * A copy whose parameters are recorded (and used in {@link #withRunName run-name templates},
     * {@link dev.sluice.cache.CachePolicy#excluding(String...) cache exclusions} and defaults) under
     * these names instead of {@code arg0, arg1, ...}. Without names, a single argument that is a
     * record is recorded as its components by name: {@code Flow.of("report", (Report r) -> ...)}
     * with {@code record Report(String city, LocalDate day)} records {@code city} and {@code day}.
     */
    public final S withParameterNames(String... names) {
        return copy(spec.withParameterNames(names));
    }

    /**
     * A copy that passes {@code value} for parameter {@code parameter} when the caller passes
     * {@code null} for it, and records the value used (Prefect's {@code Parameter("city", default="Boston")}):
     * <pre>{@code
     * Flow<String, Report> report = Flow.of("report", (String city) -> build(city))
     *         .withParameterNames("city")
     *         .withParameterDefault("city", "Boston");
     * report.run(null); // runs for Boston; the run's parameters say city=Boston
     * }</pre>
     * The name is checked against the parameter names at the first call (so the order of
     * {@code withX} calls does not matter).
     *
     * @throws IllegalArgumentException (at the call) if no parameter has that name
     */
    public final S withParameterDefault(String parameter, Object value) {
        return copy(spec.withParameterDefault(parameter, value));
    }

    /** The parameter names: as given to {@link #withParameterNames}, else {@code arg0, arg1, ...}. */
    public final java.util.List<String> parameterNames() {
        return spec.parameterNames();
    }

    /** A copy calling {@code hook} each time an attempt starts. */
    public final S onRunning(Hook<? super R> hook) {
        return copy(spec.withHook(HookEvent.RUNNING, hook));
    }

    /** A copy calling {@code hook} when a run completes (or is served from the cache). */
    public final S onCompletion(Hook<? super R> hook) {
        return copy(spec.withHook(HookEvent.COMPLETION, hook));
    }

    /** A copy calling {@code hook} when a run fails, times out or crashes. */
    public final S onFailure(Hook<? super R> hook) {
        return copy(spec.withHook(HookEvent.FAILURE, hook));
    }

    /** A copy calling {@code hook} when a run is cancelled. */
    public final S onCancellation(Hook<? super R> hook) {
        return copy(spec.withHook(HookEvent.CANCELLATION, hook));
    }

    /** A copy calling {@code hook} when a run crashes (its body threw an {@link Error}). */
    public final S onCrashed(Hook<? super R> hook) {
        return copy(spec.withHook(HookEvent.CRASHED, hook));
    }

    @Override
    public String toString() {
        return spec.kind().word() + " '" + spec.name() + "'";
    }
}
