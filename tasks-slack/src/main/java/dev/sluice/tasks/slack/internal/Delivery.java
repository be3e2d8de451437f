package dev.sluice.tasks.slack.internal;

import dev.sluice.RunContext;
import dev.sluice.TaskRun;
import dev.sluice.tasks.slack.SlackException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What the attempts of one task run have done with one message: carried from attempt to attempt
 * so a retry waits out Slack's {@code Retry-After} and never sends a message an earlier attempt
 * may have delivered nor one Slack refused. Outside a task run, each send has its own.
 */
final class Delivery {
    enum Status { NOT_SENT, SENDING, MAYBE_DELIVERED, DELIVERED, REJECTED }

    /** Keyed by the live task run, which the engine keeps for all its attempts; weak, so ended runs go. */
    private static final Map<TaskRun, Delivery> BY_RUN = Collections.synchronizedMap(new WeakHashMap<>());

    private volatile Status status = Status.NOT_SENT;
    private volatile @Nullable Object result;
    private volatile @Nullable SlackException rejection;
    private volatile long notBeforeNanos;
    private volatile boolean waitPending;

    /** A delivery of its own, for a send outside the prebuilt tasks (a notifier). */
    static Delivery fresh() {
        return new Delivery();
    }

    /** The delivery of the current task run (one prebuilt task run sends one message), or a fresh one. */
    static Delivery current() {
        TaskRun run = RunContext.taskRun().orElse(null);
        return run == null ? new Delivery() : BY_RUN.computeIfAbsent(run, r -> new Delivery());
    }

    /**
     * Called at the start of an attempt: returns an earlier attempt's result if it got Slack's
     * answer, throws if an earlier attempt may have delivered, waits out a pending Retry-After,
     * or returns null to say: send.
     */
    @Nullable Object beforeSend(String operation) throws InterruptedException {
        Status s = status;
        if (s == Status.DELIVERED) {
            RunContext.logger().info("{}: an earlier attempt of this run was delivered after all; not sending again", operation);
            return result;
        }
        SlackException rejected = rejection;
        if (s == Status.REJECTED && rejected != null) {
            RunContext.logger().info("{}: Slack refused this message on an earlier attempt ({}); not sending it again",
                    operation, rejected.error());
            throw rejected;
        }
        if (s == Status.SENDING || s == Status.MAYBE_DELIVERED) {
            throw Failures.earlierAttemptUnknown(operation).error();
        }
        if (waitPending) {
            long wait = notBeforeNanos - System.nanoTime();
            if (wait > 0) {
                RunContext.logger().info("{}: waiting {} ms more for Slack's Retry-After", operation, TimeUnit.NANOSECONDS.toMillis(wait));
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            waitPending = false;
        }
        return null;
    }

    /** Marks the request as on its way: from now on its outcome is unknown until answered. */
    void sending() {
        status = Status.SENDING;
    }

    /** Slack answered that the message was posted. */
    void delivered(Object value) {
        result = value;
        status = Status.DELIVERED;
    }

    /** The attempt failed; remembers whether the message may be in the channel and when to call again. */
    SlackException failed(Failures.Failure failure) {
        SlackException error = failure.error();
        Duration retryAfter = error.retryAfter().orElse(null);
        if (retryAfter != null) {
            notBeforeNanos = System.nanoTime() + retryAfter.toNanos();
            waitPending = true;
        }
        if (failure.maybeDelivered()) {
            status = Status.MAYBE_DELIVERED;
        } else if (error.retryable()) {
            status = Status.NOT_SENT;
        } else {
            // Slack said no (ok:false, 4xx): the same request gets the same answer, whatever the retry policy
            rejection = error;
            status = Status.REJECTED;
        }
        return error;
    }
}
