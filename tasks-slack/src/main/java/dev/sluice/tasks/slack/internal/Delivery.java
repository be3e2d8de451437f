package dev.sluice.tasks.slack.internal;

import dev.sluice.notify.Notification;
import dev.sluice.RunContext;
import dev.sluice.TaskRun;
import dev.sluice.tasks.slack.SlackException;
import dev.sluice.tasks.slack.SlackWebhook;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What the attempts of one message have done: carried from attempt to attempt so a retry waits
 * out Slack's {@code Retry-After} and never sends a message an earlier attempt may have delivered
 * nor one Slack refused. The attempts are those of one task run (the task's retry policy), or the
 * sends of one {@link Notification} object through one {@link SlackWebhook} (the retries of
 * {@code Notify.via}, which passes the same object each time).
 */
final class Delivery {
    enum Status { NOT_SENT, SENDING, MAYBE_DELIVERED, DELIVERED, REJECTED }

    /** How long a failed notification send is remembered for the caller's retries. */
    static final Duration KEEP_FAILED = Duration.ofMinutes(15);
    /** At most this many failed notification sends are remembered; the oldest go first. */
    static final int MAX_FAILED = 256;

    /** Keyed by the live task run, which the engine keeps for all its attempts; weak, so ended runs go. */
    private static final Map<TaskRun, Delivery> BY_RUN = Collections.synchronizedMap(new WeakHashMap<>());
    /** Failed notification sends, matched by identity (a Notification is a record: equal is not same). */
    private static final List<FailedSend> FAILED_SENDS = new ArrayList<>();

    private record FailedSend(WeakReference<SlackWebhook> webhook, WeakReference<Notification> notification,
            Delivery delivery, long sinceNanos) {
    }

    private final String earlier;

    private volatile Status status = Status.NOT_SENT;
    private volatile @Nullable Object result;
    private volatile @Nullable SlackException rejection;
    private volatile long notBeforeNanos;
    private volatile boolean waitPending;

    private Delivery(String earlier) {
        this.earlier = earlier;
    }

    /** The delivery of the current task run (one prebuilt task run sends one message), or a fresh one. */
    static Delivery current() {
        TaskRun run = RunContext.taskRun().orElse(null);
        return run == null ? new Delivery("an earlier attempt of this message")
                : BY_RUN.computeIfAbsent(run, r -> new Delivery("an earlier attempt of this task run"));
    }

    /**
     * The delivery of {@code notification} through {@code webhook}: the one of an earlier send of
     * this very object that failed (taken out; put it back with {@link #rememberFailed}), or a fresh one.
     */
    static Delivery ofNotification(SlackWebhook webhook, Notification notification) {
        synchronized (FAILED_SENDS) {
            long now = System.nanoTime();
            for (Iterator<FailedSend> it = FAILED_SENDS.iterator(); it.hasNext(); ) {
                FailedSend f = it.next();
                SlackWebhook w = f.webhook().get();
                Notification n = f.notification().get();
                if (w == null || n == null || now - f.sinceNanos() > KEEP_FAILED.toNanos()) {
                    it.remove();
                } else if (w == webhook && n == notification) {
                    it.remove();
                    return f.delivery();
                }
            }
        }
        return new Delivery("an earlier send of this notification");
    }

    /** Remembers this failed delivery of {@code notification}, so that sending the same object again is a safe retry. */
    void rememberFailed(SlackWebhook webhook, Notification notification) {
        synchronized (FAILED_SENDS) {
            if (FAILED_SENDS.size() >= MAX_FAILED) {
                FAILED_SENDS.remove(0);
            }
            FAILED_SENDS.add(new FailedSend(new WeakReference<>(webhook), new WeakReference<>(notification), this,
                    System.nanoTime()));
        }
    }

    /** How long a pending Retry-After still asks to wait (zero if none). */
    Duration pendingWait() {
        long wait = notBeforeNanos - System.nanoTime();
        return waitPending && wait > 0 ? Duration.ofNanos(wait) : Duration.ZERO;
    }

    /**
     * Called at the start of an attempt: returns an earlier attempt's result if it got Slack's
     * answer, throws if an earlier attempt may have delivered, waits out a pending Retry-After,
     * or returns null to say: send.
     */
    @Nullable Object beforeSend(String operation) throws InterruptedException {
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
