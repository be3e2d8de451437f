package dev.sluice;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.sluice.internal.Retrier;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How a failed attempt is retried: how many times, how long to wait before each retry, and which
 * errors are worth retrying. Immutable; each {@code withX}/{@code retryOn} returns a copy. Policies
 * that retry alike are {@link #equals equal}.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10))
 *         .withJitter(0.3)
 *         .retryOn(IOException.class)
 *         .abortOn(FileNotFoundException.class);
 * Task<String, Integer> fetch = Task.of("fetch", (String city) -> download(city)).withRetryPolicy(policy);
 * }</pre>
 *
 * <p>An {@link Error} is never retried (the run is {@link State#CRASHED}), nor is an interrupt
 * ({@link State#CANCELLED}). Delays come from resilience4j's interval functions; jitter is applied
 * on top and really varies each delay, uniformly within {@code ±factor} of it.
 */
public final class RetryPolicy {
    /** The default cap on a server-given wait. */
    public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(5);
    private static final RetryPolicy NONE = new RetryPolicy(0, List.of(Duration.ZERO), null, 0.0, List.of(), List.of(), List.of());

    // effectively final: set by the constructor or on a fresh copy before it is returned
    private int retries;
    /** Explicit delays (the last repeats), when {@link #interval} is null. */
    private List<Duration> delays;
    private @Nullable IntervalFunction interval;
    /** What {@link #interval} was made from (initial, multiplier, max), for equality and the text form. */
    private @Nullable Backoff backoff;
    private double jitter;
    private List<Class<? extends Throwable>> retryOn;
    private List<Class<? extends Throwable>> abortOn;
    /** The {@link #retryIf} conditions, all of which must hold. */
    private List<Predicate<? super Throwable>> retryIf;
    private Duration maxRetryAfter = DEFAULT_MAX_RETRY_AFTER;
    private @Nullable Duration maxDuration;
    private boolean yields;

    /** The parameters of an exponential backoff. */
    private record Backoff(Duration initial, double multiplier, Duration max) {
    }

    private RetryPolicy(int retries, List<Duration> delays, @Nullable IntervalFunction interval, double jitter,
            List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn,
            List<Predicate<? super Throwable>> retryIf) {
        this.retries = retries;
        this.delays = delays;
        this.interval = interval;
        this.jitter = jitter;
        this.retryOn = retryOn;
        this.abortOn = abortOn;
        this.retryIf = retryIf;
    }

    private RetryPolicy copy() {
        RetryPolicy c = new RetryPolicy(retries, delays, interval, jitter, retryOn, abortOn, retryIf);
        c.backoff = backoff;
        c.maxRetryAfter = maxRetryAfter;
        c.maxDuration = maxDuration;
        c.yields = yields;
        return c;
    }

    /** No retries: the first failure is final. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** {@code retries} retries, each after the same {@code delay}. */
    public static RetryPolicy fixed(int retries, Duration delay) {
        checkRetries(retries);
        Duration d = checkDelay("delay", delay);
        return new RetryPolicy(retries, List.of(d), null, 0.0, List.of(), List.of(), List.of());
    }

    /**
     * One retry per delay given, waiting {@code delays[i]} before retry {@code i + 1}
     * (Prefect's {@code retry_delay_seconds=[1, 10, 100]}).
     */
    public static RetryPolicy delays(Duration... delays) {
        Objects.requireNonNull(delays, "delays");
        if (delays.length == 0) {
            throw new IllegalArgumentException("delays must name at least one delay");
        }
        Duration[] checked = new Duration[delays.length];
        for (int i = 0; i < delays.length; i++) {
            checked[i] = checkDelay("delays[" + i + "]", delays[i]);
        }
        return new RetryPolicy(delays.length, List.of(checked), null, 0.0, List.of(), List.of(), List.of());
    }

    /** Exponential backoff doubling from {@code initial}, never above {@code max} (jitter included). */
    public static RetryPolicy exponential(int retries, Duration initial, Duration max) {
        return exponential(retries, initial, 2.0, max);
    }

    /**
     * Exponential backoff: {@code initial * multiplier^(n-1)} before retry {@code n}, never above {@code max}:
     * with {@link #withJitter jitter}, a varied delay above {@code max} is cut to {@code max}.
     */
    public static RetryPolicy exponential(int retries, Duration initial, double multiplier, Duration max) {
        checkRetries(retries);
        checkDelay("initial", initial);
        checkDelay("max", max);
        // in milliseconds (the backoff counts them), no longer than the longest wait kept
        Duration longest = Duration.ofMillis(dev.sluice.internal.Durations.LONGEST.toMillis());
        initial = initial.compareTo(longest) > 0 ? longest : initial;
        max = max.compareTo(longest) > 0 ? longest : max;
        if (initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive for exponential backoff, was " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be >= 1, was " + multiplier);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial (" + initial + "), was " + max);
        }
        IntervalFunction f = IntervalFunction.ofExponentialBackoff(initial, multiplier, max);
        RetryPolicy p = new RetryPolicy(retries, List.of(), f, 0.0, List.of(), List.of(), List.of());
        p.backoff = new Backoff(initial, multiplier, max);
        return p;
    }

    /**
     * A copy whose delays vary randomly by up to {@code ±factor} of the computed delay
     * ({@code 0.25} gives 75%..125%), so many clients retrying at once do not retry in step. An
     * {@link #exponential} policy's delays stay at most its {@code max}.
     */
    public RetryPolicy withJitter(double factor) {
        if (!(factor >= 0.0 && factor <= 1.0)) {
            throw new IllegalArgumentException("jitter factor must be between 0 and 1, was " + factor);
        }
        RetryPolicy c = copy();
        c.jitter = factor + 0.0; // -0.0 (which passes the check) is no jitter, as 0.0: equal policies for equal behaviour
        return c;
    }

    /**
     * A copy that retries only errors of these types (or their subtypes). In a flow's policy, a task
     * run (or subflow) that failed with such an error counts as one: the flow sees a
     * {@link TaskFailedException}, and the type of the error the task's body threw is matched too
     * (also for a submitted run that failed and was never joined, which fails the flow with a
     * {@link TaskFutureException}).
     */
    @SafeVarargs
    public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
        RetryPolicy c = copy();
        c.retryOn = concat(retryOn, types, "retryOn");
        return c;
    }

    /**
     * A copy that never retries errors of these types (or their subtypes); wins over {@link #retryOn}.
     * Matched like {@link #retryOn}: in a flow's policy, a task's own error counts too.
     */
    @SafeVarargs
    public final RetryPolicy abortOn(Class<? extends Throwable>... types) {
        RetryPolicy c = copy();
        c.abortOn = concat(abortOn, types, "abortOn");
        return c;
    }

    /**
     * A copy that retries only errors for which {@code condition} is true (combined with the type lists). A
     * condition that throws counts as false: the error is not retried and stays the run's error, with what the
     * condition threw added to it as suppressed, and a warning is logged.
     */
    public RetryPolicy retryIf(Predicate<? super Throwable> condition) {
        Objects.requireNonNull(condition, "condition");
        List<Predicate<? super Throwable>> all = new ArrayList<>(retryIf);
        all.add(condition);
        RetryPolicy c = copy();
        c.retryIf = List.copyOf(all);
        return c;
    }

    /**
     * A copy that waits at most {@code max} when a failure carries a server-given wait
     * ({@link RetryAfter.Hint}, such as an HTTP {@code Retry-After}); a server asking for longer
     * ends the retries at once, with a message that says so. Default {@link #DEFAULT_MAX_RETRY_AFTER}.
     */
    public RetryPolicy withMaxRetryAfter(Duration max) {
        Duration m = checkDelay("maxRetryAfter", max);
        RetryPolicy c = copy();
        c.maxRetryAfter = m;
        return c;
    }

    /**
     * A copy that starts no retry whose wait would end more than {@code max} after the first
     * attempt started: an overall deadline for all attempts and waits.
     */
    public RetryPolicy withMaxDuration(Duration max) {
        Duration m = checkDelay("maxDuration", max);
        if (max.isZero()) {
            throw new IllegalArgumentException("maxDuration must be positive, was " + max);
        }
        RetryPolicy c = copy();
        c.maxDuration = m;
        return c;
    }

    /**
     * A copy that makes a single attempt when it runs inside something that already retries (a
     * task run with retries, {@code Notify}'s retries, another policy's {@link #execute}), so
     * retries do not multiply; on its own it retries as configured. The built-in tasks and
     * notifiers use such policies for their defaults; a policy you set yourself retries always.
     */
    public RetryPolicy yieldingToEnclosingRetries() {
        RetryPolicy c = copy();
        c.yields = true;
        return c;
    }

    /**
     * The retries this policy makes when {@link #execute executed} by the calling code: none for a
     * {@link #yieldingToEnclosingRetries() yielding} policy inside another retrying layer, else
     * {@link #maxRetries()}.
     */
    public int retriesHere() {
        return Retrier.retriesHere(this);
    }

    /** Whether this policy makes a single attempt inside another retrying layer. */
    public boolean yieldsToEnclosingRetries() {
        return yields;
    }

    /** The longest server-given wait honoured. */
    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    /** The overall deadline of all attempts, if set. */
    public Optional<Duration> maxDuration() {
        return Optional.ofNullable(maxDuration);
    }

    /** One attempt of an operation run by {@link #execute}. */
    @FunctionalInterface
    public interface Operation<T extends @Nullable Object, E extends Exception> {
        /** Attempt number {@code attempt} (1 = the first). */
        T attempt(int attempt) throws E;
    }

    /** What {@link #execute} tells its caller between attempts; the defaults log to the run logger. */
    public interface Listener {
        /** Attempt {@code attempt} failed with {@code error}; the next starts after {@code wait}. */
        default void retrying(int attempt, Throwable error, Duration wait, boolean serverAsked) {
        }

        /**
         * Attempt {@code attempts} failed with {@code error} and no retry follows; {@code reason} says why
         * when it was not simply the last attempt or an error not worth retrying (a server-given wait over
         * the cap, the deadline, a run's timeout, an interrupt while waiting). May throw an exception to
         * raise in place of {@code error}.
         */
        default void gaveUp(int attempts, Throwable error, @Nullable String reason) {
        }
    }

    /**
     * Runs {@code operation} under this policy, on the calling thread, waiting between attempts with
     * the current runtime's {@link Sleeper} (a server-given wait when the failure carries one, up to
     * {@link #maxRetryAfter()}), and returns the first successful result. Retries are logged to the
     * run's logger inside a run (else to the logger {@code dev.sluice.retry}) as {@code "<what>: attempt 1 failed with ...; retry 1 of 3 in 2 s"}.
     * An interrupt during a wait ends the retries: the last failure is thrown with the thread's
     * interrupt flag set.
     *
     * @throws E the last failure when no retry follows
     */
    public <T extends @Nullable Object, E extends Exception> T execute(String what, Operation<T, E> operation) throws E {
        return execute(what, operation, new Listener() { });
    }

    /** As {@link #execute(String, Operation)}, telling {@code listener} of each retry and of the end. */
    public <T extends @Nullable Object, E extends Exception> T execute(String what, Operation<T, E> operation,
            Listener listener) throws E {
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(listener, "listener");
        return Retrier.execute(this, what, operation, listener);
    }

    /** How many retries after the first attempt (0 = none). */
    public int maxRetries() {
        return retries;
    }

    /** The jitter factor ({@code 0} = none). */
    public double jitter() {
        return jitter;
    }

    /**
     * The delay before retry {@code retry} (1 = the first retry) without jitter: what
     * {@link #delayBefore} varies around.
     */
    public Duration baseDelayBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, was " + retry);
        }
        if (interval != null) {
            return Duration.ofMillis(interval.apply(retry));
        }
        return delays.get(Math.min(retry, delays.size()) - 1);
    }

    /** The delay to wait before retry {@code retry} (1 = the first retry), jitter included. */
    public Duration delayBefore(int retry) {
        Duration base = baseDelayBefore(retry);
        if (jitter == 0.0 || base.isZero()) {
            return base;
        }
        double factor = 1.0 + jitter * (2.0 * ThreadLocalRandom.current().nextDouble() - 1.0);
        long nanos = base.toNanos();
        Duration jittered = Duration.ofNanos(Math.max(0L, Math.round(nanos * factor)));
        // exponential backoff is never above its max, jitter or not
        return backoff != null && jittered.compareTo(backoff.max()) > 0 ? backoff.max() : jittered;
    }

    /** Whether {@code error} is worth retrying under this policy (retry budget aside). */
    public boolean shouldRetry(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (error instanceof Error) {
            return false;
        }
        Throwable own = own(error);
        for (Class<? extends Throwable> type : abortOn) {
            if (type.isInstance(error) || type.isInstance(own)) {
                return false;
            }
        }
        if (!retryOn.isEmpty() && retryOn.stream().noneMatch(type -> type.isInstance(error) || type.isInstance(own))) {
            return false;
        }
        for (Predicate<? super Throwable> condition : retryIf) {
            boolean retry;
            try {
                retry = condition.test(error);
            } catch (RuntimeException | LinkageError broken) {
                // a bug in the condition must not replace the error it was asked about: no retry, the error stays
                error.addSuppressed(new IllegalStateException("the retryIf condition threw " + broken
                        + " for this error, so it was not retried", broken));
                dev.sluice.internal.RunRecord run = dev.sluice.internal.Frame.current().run();
                org.slf4j.Logger log = run != null ? run.logger() : org.slf4j.LoggerFactory.getLogger("dev.sluice.retry");
                log.warn("the retryIf condition of a retry policy threw {} for {}; not retried", broken.toString(),
                        dev.sluice.internal.Texts.summary(error));
                return false;
            }
            if (!retry) {
                return false;
            }
        }
        return true;
    }

    /**
     * The error a task run or subflow run failed with, when {@code error} is the failure of one (as a
     * flow's policy sees it), else {@code error}: a flow's {@code retryOn(IOException.class)} is about
     * its tasks' IOExceptions, not about the exception that carries them.
     */
    private static Throwable own(Throwable error) {
        Throwable t = error;
        for (int depth = 0; depth < 16; depth++) {
            Throwable inner = t instanceof TaskFailedException f ? f.thrown()
                    : t instanceof FlowFailedException f ? f.thrown()
                    // a submitted run that failed unjoined fails its flow with this, its failure as the cause
                    : t instanceof TaskFutureException && (t.getCause() instanceof TaskFailedException
                            || t.getCause() instanceof FlowFailedException) ? t.getCause()
                    : null;
            if (inner == null) {
                return t;
            }
            t = inner;
        }
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RetryPolicy{retries=").append(retries);
        if (backoff != null) {
            sb.append(", exponential from ").append(backoff.initial()).append(" x").append(backoff.multiplier())
                    .append(" up to ").append(backoff.max());
        } else {
            sb.append(", delays=").append(delays);
        }
        if (jitter > 0) {
            sb.append(", jitter=").append(jitter);
        }
        if (!maxRetryAfter.equals(DEFAULT_MAX_RETRY_AFTER)) {
            sb.append(", maxRetryAfter=").append(maxRetryAfter);
        }
        if (maxDuration != null) {
            sb.append(", maxDuration=").append(maxDuration);
        }
        if (yields) {
            sb.append(", yielding");
        }
        if (!retryOn.isEmpty()) {
            sb.append(", retryOn=").append(names(retryOn));
        }
        if (!abortOn.isEmpty()) {
            sb.append(", abortOn=").append(names(abortOn));
        }
        if (!retryIf.isEmpty()) {
            sb.append(", retryIf=").append(retryIf.size()).append(retryIf.size() == 1 ? " condition" : " conditions");
        }
        return sb.append('}').toString();
    }

    /**
     * Two policies are equal when they retry alike: the same retries and delays (or backoff), jitter,
     * exception types in the same order, caps and deadline, yielding, and the same {@link #retryIf}
     * condition objects.
     */
    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RetryPolicy p)) {
            return false;
        }
        return retries == p.retries && delays.equals(p.delays) && Objects.equals(backoff, p.backoff)
                && Double.compare(jitter, p.jitter) == 0 && retryOn.equals(p.retryOn) && abortOn.equals(p.abortOn)
                && retryIf.equals(p.retryIf) && maxRetryAfter.equals(p.maxRetryAfter)
                && Objects.equals(maxDuration, p.maxDuration) && yields == p.yields;
    }

    @Override
    public int hashCode() {
        return Objects.hash(retries, delays, backoff, jitter, retryOn, abortOn, retryIf, maxRetryAfter, maxDuration, yields);
    }

    private static List<String> names(List<Class<? extends Throwable>> types) {
        return types.stream().map(Class::getSimpleName).toList();
    }

    private static List<Class<? extends Throwable>> concat(
            List<Class<? extends Throwable>> existing, Class<? extends Throwable>[] more, String field) {
        Objects.requireNonNull(more, field);
        if (more.length == 0) {
            throw new IllegalArgumentException(field + " needs at least one exception type");
        }
        List<Class<? extends Throwable>> all = new ArrayList<>(existing);
        for (Class<? extends Throwable> type : Arrays.asList(more)) {
            all.add(Objects.requireNonNull(type, field + " type"));
        }
        return List.copyOf(all);
    }

    static void checkRetries(int retries) {
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be >= 0, was " + retries);
        }
    }

    /** {@code delay}, checked, and capped at {@link dev.sluice.internal.Durations#LONGEST} (longer is as good as never). */
    private static Duration checkDelay(String field, Duration delay) {
        Objects.requireNonNull(delay, field);
        if (delay.isNegative()) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + delay);
        }
        return dev.sluice.internal.Durations.capped(delay);
    }
}
