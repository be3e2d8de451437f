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
public abstract sealed class Definition<S extends Definition<S, R>, R extends Run> permits BaseTask, BaseFlow {
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
     * at the deadline even if the body ignores interruption, and the body's thread is interrupted.
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
     * the parameters (see {@link #withParameterNames}).
     */
    public final S withRunName(String template) {
        return copy(spec.withRunName(template));
    }

    /** A copy with a version, recorded on runs (and part of the cache key). */
    public final S withVersion(String version) {
        return copy(spec.withVersion(version));
    }

    /** A copy whose parameters are recorded under these names instead of {@code arg0, arg1, ...}. */
    public final S withParameterNames(String... names) {
        return copy(spec.withParameterNames(names));
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
