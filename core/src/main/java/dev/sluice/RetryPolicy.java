package dev.sluice;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * How a failed attempt is retried: how many times, how long to wait before each retry, and which
 * errors are worth retrying. Immutable; each {@code withX}/{@code retryOn} returns a copy.
 *
 * <pre>{@code
 * RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10))
 *         .withJitter(0.3)
 *         .retryOn(IOException.class)
 *         .abortOn(FileNotFoundException.class);
 * }</pre>
 *
 * <p>An {@link Error} is never retried (the run is {@link State#CRASHED}), nor is an interrupt
 * ({@link State#CANCELLED}). Delays come from resilience4j's interval functions; jitter is applied
 * on top and really varies each delay, uniformly within {@code ±factor} of it.
 */
public final class RetryPolicy {
    private static final RetryPolicy NONE = new RetryPolicy(0, List.of(Duration.ZERO), null, 0.0, List.of(), List.of(), t -> true);

    private final int retries;
    /** Explicit delays (the last repeats), when {@link #interval} is null. */
    private final List<Duration> delays;
    private final @Nullable IntervalFunction interval;
    private final double jitter;
    private final List<Class<? extends Throwable>> retryOn;
    private final List<Class<? extends Throwable>> abortOn;
    private final Predicate<? super Throwable> retryIf;

    private RetryPolicy(int retries, List<Duration> delays, @Nullable IntervalFunction interval, double jitter,
            List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn,
            Predicate<? super Throwable> retryIf) {
        this.retries = retries;
        this.delays = delays;
        this.interval = interval;
        this.jitter = jitter;
        this.retryOn = retryOn;
        this.abortOn = abortOn;
        this.retryIf = retryIf;
    }

    /** No retries: the first failure is final. */
    public static RetryPolicy none() {
        return NONE;
    }

    /** {@code retries} retries, each after the same {@code delay}. */
    public static RetryPolicy fixed(int retries, Duration delay) {
        checkRetries(retries);
        checkDelay("delay", delay);
        return new RetryPolicy(retries, List.of(delay), null, 0.0, List.of(), List.of(), t -> true);
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
        for (int i = 0; i < delays.length; i++) {
            checkDelay("delays[" + i + "]", delays[i]);
        }
        return new RetryPolicy(delays.length, List.of(delays), null, 0.0, List.of(), List.of(), t -> true);
    }

    /** Exponential backoff doubling from {@code initial}, never above {@code max}. */
    public static RetryPolicy exponential(int retries, Duration initial, Duration max) {
        return exponential(retries, initial, 2.0, max);
    }

    /** Exponential backoff: {@code initial * multiplier^(n-1)} before retry {@code n}, never above {@code max}. */
    public static RetryPolicy exponential(int retries, Duration initial, double multiplier, Duration max) {
        checkRetries(retries);
        checkDelay("initial", initial);
        checkDelay("max", max);
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
        return new RetryPolicy(retries, List.of(), f, 0.0, List.of(), List.of(), t -> true);
    }

    /**
     * A copy whose delays vary randomly by up to {@code ±factor} of the computed delay
     * ({@code 0.25} gives 75%..125%), so many clients retrying at once do not retry in step.
     */
    public RetryPolicy withJitter(double factor) {
        if (!(factor >= 0.0 && factor <= 1.0)) {
            throw new IllegalArgumentException("jitter factor must be between 0 and 1, was " + factor);
        }
        return new RetryPolicy(retries, delays, interval, factor, retryOn, abortOn, retryIf);
    }

    /** A copy that retries only errors of these types (or their subtypes). */
    @SafeVarargs
    public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
        return new RetryPolicy(retries, delays, interval, jitter, concat(retryOn, types, "retryOn"), abortOn, retryIf);
    }

    /** A copy that never retries errors of these types (or their subtypes); wins over {@link #retryOn}. */
    @SafeVarargs
    public final RetryPolicy abortOn(Class<? extends Throwable>... types) {
        return new RetryPolicy(retries, delays, interval, jitter, retryOn, concat(abortOn, types, "abortOn"), retryIf);
    }

    /** A copy that retries only errors for which {@code condition} is true (combined with the type lists). */
    public RetryPolicy retryIf(Predicate<? super Throwable> condition) {
        Objects.requireNonNull(condition, "condition");
        Predicate<? super Throwable> previous = retryIf;
        Predicate<Throwable> both = t -> previous.test(t) && condition.test(t);
        return new RetryPolicy(retries, delays, interval, jitter, retryOn, abortOn, both);
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
        return Duration.ofNanos(Math.max(0L, Math.round(nanos * factor)));
    }

    /** Whether {@code error} is worth retrying under this policy (retry budget aside). */
    public boolean shouldRetry(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (error instanceof Error) {
            return false;
        }
        for (Class<? extends Throwable> type : abortOn) {
            if (type.isInstance(error)) {
                return false;
            }
        }
        if (!retryOn.isEmpty() && retryOn.stream().noneMatch(type -> type.isInstance(error))) {
            return false;
        }
        return retryIf.test(error);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RetryPolicy{retries=").append(retries);
        if (interval != null) {
            sb.append(", exponential from ").append(baseDelayBefore(1));
        } else {
            sb.append(", delays=").append(delays);
        }
        if (jitter > 0) {
            sb.append(", jitter=").append(jitter);
        }
        if (!retryOn.isEmpty()) {
            sb.append(", retryOn=").append(names(retryOn));
        }
        if (!abortOn.isEmpty()) {
            sb.append(", abortOn=").append(names(abortOn));
        }
        return sb.append('}').toString();
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

    private static void checkDelay(String field, Duration delay) {
        Objects.requireNonNull(delay, field);
        if (delay.isNegative()) {
            throw new IllegalArgumentException(field + " must be >= 0, was " + delay);
        }
    }
}
