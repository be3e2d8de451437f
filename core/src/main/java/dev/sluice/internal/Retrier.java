package dev.sluice.internal;

import dev.sluice.RetryAfter;
import dev.sluice.RetryPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The one retry loop of Sluice: the engine's task and flow attempts, {@code Notify}, and every
 * module's requests go through it. It waits with the runtime's sleeper, honours a server-given
 * wait up to the policy's cap, keeps to the policy's overall deadline, and makes a single attempt
 * for a {@link RetryPolicy#yieldsToEnclosingRetries() yielding} policy that runs inside another
 * retrying layer, so retries never multiply unasked.
 */
public final class Retrier {
    /** How many retrying layers the current thread is inside (not counting runs: see {@link Frame#retrying}). */
    private static final org.slf4j.Logger PLAIN = org.slf4j.LoggerFactory.getLogger("dev.sluice.retry");
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private Retrier() {
    }

    /** One attempt. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws Throwable;
    }

    /** What the loop asks and tells its user. */
    public interface Events {
        /** Whether {@code error} may be retried at all (the retry budget aside). */
        boolean retryable(Throwable error);

        /** A retry follows after {@code wait}. */
        void retrying(int attempt, Throwable error, Duration wait, boolean serverAsked);

        /** No retry follows; {@code reason} when stopped by the cap or the deadline. May throw instead. */
        void gaveUp(int attempts, Throwable error, @Nullable String reason);

        /** Interrupted while waiting to retry after {@code error}: what to throw. */
        Throwable interrupted(int attempt, Throwable error, InterruptedException interrupt);

        /** Why the retry waited for must not be made after all (the runtime closed meanwhile), or null. */
        default @Nullable String stopAfterWait() {
            return null;
        }
    }

    /** Whether code on this thread runs inside a layer that retries. */
    public static boolean insideRetries() {
        return DEPTH.get()[0] > 0 || Frame.current().retrying();
    }

    /** Runs {@code body} marked as inside a retrying layer when {@code retrying}. */
    public static <T> T marked(boolean retrying, Attempt<T> body, int attempt) throws Throwable {
        if (!retrying) {
            return body.run(attempt);
        }
        int[] depth = DEPTH.get();
        depth[0]++;
        try {
            return body.run(attempt);
        } finally {
            depth[0]--;
        }
    }

    /** The number of retries {@code policy} gets here: none for a yielding policy inside retries. */
    public static int retriesHere(RetryPolicy policy) {
        return policy.yieldsToEnclosingRetries() && insideRetries() ? 0 : policy.maxRetries();
    }

    /**
     * Runs {@code attempt} until it succeeds or no retry is left.
     *
     * @throws Throwable the last failure (or what {@link Events#gaveUp}/{@link Events#interrupted} give)
     */
    public static <T> T run(RetryPolicy policy, int maxRetries, boolean markInside, Attempt<T> attempt, Events events)
            throws Throwable {
        RuntimeState runtime = RuntimeState.current();
        Duration maxDuration = policy.maxDuration().orElse(null);
        // time spent = attempts as measured + waits as asked (so a test's fake sleeper counts too)
        Duration spent = Duration.ZERO;
        boolean mark = markInside && maxRetries > 0;
        for (int n = 1; ; n++) {
            Throwable error;
            long started = System.nanoTime();
            try {
                return marked(mark, attempt, n);
            } catch (Throwable t) {
                error = t;
            }
            spent = spent.plusNanos(System.nanoTime() - started);
            if (n > maxRetries || !events.retryable(error)) {
                events.gaveUp(n, error, null);
                throw error;
            }
            Duration wait = policy.delayBefore(n);
            boolean serverAsked = false;
            Optional<Duration> asked = RetryAfter.requestedBy(error);
            if (asked.isPresent()) {
                Duration d = asked.get();
                if (d.compareTo(policy.maxRetryAfter()) > 0) {
                    String reason = "the server asked to retry after " + Texts.human(d) + " (Retry-After), more than "
                            + "maxRetryAfter (" + Texts.human(policy.maxRetryAfter()) + "), so no retry follows";
                    events.gaveUp(n, error, reason);
                    throw error;
                }
                wait = d;
                serverAsked = true;
            }
            String timeoutReason = pastRunTimeout(wait);
            if (timeoutReason != null) {
                events.gaveUp(n, error, timeoutReason);
                throw error;
            }
            if (maxDuration != null) {
                if (spent.plus(wait).compareTo(maxDuration) > 0) {
                    String reason = "a retry after " + Texts.human(wait) + " would end past the deadline of "
                            + Texts.human(maxDuration) + " (" + Texts.human(spent) + " spent), so no retry follows";
                    events.gaveUp(n, error, reason);
                    throw error;
                }
            }
            events.retrying(n, error, wait, serverAsked);
            spent = spent.plus(wait);
            try {
                runtime.sleeper().sleep(wait);
            } catch (InterruptedException e) {
                throw events.interrupted(n, error, e);
            }
            String stop = events.stopAfterWait();
            if (stop != null) {
                events.gaveUp(n, error, stop);
                throw error;
            }
        }
    }

    /** The public {@link RetryPolicy#execute} loop. */
    @SuppressWarnings("unchecked")
    public static <T, E extends Exception> T execute(RetryPolicy policy, String what, RetryPolicy.Operation<T, E> operation,
            RetryPolicy.Listener listener) throws E {
        int retries = retriesHere(policy);
        Predicate<Throwable> retryable = t -> t instanceof Exception && policy.shouldRetry(t);
        Events events = new Events() {
            @Override
            public boolean retryable(Throwable error) {
                return retryable.test(error);
            }

            @Override
            public void retrying(int attempt, Throwable error, Duration wait, boolean serverAsked) {
                log().warn("{}: attempt {} failed with {}; retry {} of {} in {}{}", what, attempt,
                        Texts.summary(error), attempt, retries, Texts.human(wait), serverAsked ? " (Retry-After)" : "");
                listener.retrying(attempt, error, wait, serverAsked);
            }

            @Override
            public void gaveUp(int attempts, Throwable error, @Nullable String reason) {
                if (reason != null) {
                    log().warn("{}: {}", what, reason);
                    error.addSuppressed(new RetriesStopped(what + ": " + reason));
                }
                listener.gaveUp(attempts, error, reason);
            }

            @Override
            public Throwable interrupted(int attempt, Throwable error, InterruptedException interrupt) {
                Thread.currentThread().interrupt();
                error.addSuppressed(interrupt);
                listener.gaveUp(attempt, error, "interrupted while waiting to retry");
                return error;
            }
        };
        try {
            return run(policy, retries, true, operation::attempt, events);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw (E) t; // only the operation's own checked exceptions get here
        }
    }

    /** Why a wait of {@code wait} cannot be made inside the current runs' timeouts, or null if it can. */
    private static @Nullable String pastRunTimeout(Duration wait) {
        Frame frame = Frame.current();
        long now = System.nanoTime();
        for (RunRecord run : new RunRecord[] {frame.task(), frame.flow()}) {
            if (run == null) {
                continue;
            }
            long deadline = run.attemptDeadline();
            if (deadline != 0 && Duration.ofNanos(deadline - now).compareTo(wait) < 0) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - now));
                return "a retry after " + Texts.human(wait) + " would end past the timeout of " + run.spec.kind().word()
                        + " '" + run.spec.name() + "' (" + Texts.human(left) + " left), so no retry follows";
            }
        }
        return null;
    }

    /** The run's logger inside a run; outside one, the plain {@code dev.sluice.retry} logger (no warning). */
    private static org.slf4j.Logger log() {
        RunRecord run = Frame.current().run();
        return run != null ? run.logger() : PLAIN;
    }

    /** Attached to a failure whose retries stopped early: says why. */
    public static final class RetriesStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RetriesStopped(String message) {
            super(message, null, false, false);
        }
    }
}
