package dev.sluice.tasks.slack.internal;

import dev.sluice.RunContext;
import dev.sluice.tasks.slack.SlackException;
import org.jspecify.annotations.Nullable;

/**
 * What the attempts of one prebuilt-task run have done with its message, kept with the task run
 * ({@link RunContext#attribute}) for all its attempts, so that a retry never sends a message an
 * earlier attempt may have delivered, nor one Slack refused, whatever the retry policy says. Waiting
 * out Slack's {@code Retry-After} is the retry loop's job: {@link SlackException} carries the wait.
 */
final class Delivery {
    enum Status { NOT_SENT, SENDING, MAYBE_DELIVERED, DELIVERED, REJECTED }

    /** The delivery of the task run the calling code is in. */
    private static final RunContext.Key<Delivery> KEY = RunContext.Key.of("slack delivery");

    private final String earlier;

    private volatile Status status = Status.NOT_SENT;
    private volatile @Nullable Object result;
    private volatile @Nullable SlackException rejection;

    private Delivery(String earlier) {
        this.earlier = earlier;
    }

    /**
     * The delivery of the current task run (one prebuilt task run sends one message), or a fresh
     * one outside any run.
     */
    static Delivery current() {
        return RunContext.attribute(KEY, () -> new Delivery("an earlier attempt of this task run"));
    }

    /**
     * Called at the start of an attempt: returns an earlier attempt's result if it got Slack's
     * answer, throws if an earlier attempt may have delivered or Slack refused the message, or
     * returns null to say: send.
     */
    @Nullable Object beforeSend(String operation) {
        Status s = status;
        if (s == Status.DELIVERED) {
            RunContext.logger().info("{}: {} was delivered after all; not sending again", operation, earlier);
            return result;
        }
        SlackException rejected = rejection;
        if (s == Status.REJECTED && rejected != null) {
            RunContext.logger().info("{}: Slack refused {} ({}); not sending it again",
                    operation, earlier, rejected.error());
            throw rejected;
        }
        if (s == Status.SENDING || s == Status.MAYBE_DELIVERED) {
            throw Failures.earlierAttemptUnknown(operation, earlier).error();
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

    /** The attempt failed; remembers whether the message may be in the channel. */
    SlackException failed(Failures.Failure failure) {
        SlackException error = failure.error();
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
