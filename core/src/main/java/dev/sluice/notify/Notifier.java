package dev.sluice.notify;

/**
 * Something that can deliver a {@link Notification}: a Slack webhook, an email notifier, a log.
 * Usually a {@link Block}, so it can be saved once and loaded by name; {@link Notify#via} turns
 * notifiers into a flow or task hook. Implementations deliver the subject, body and fields as
 * given (they arrive already masked), are thread-safe, and should pass
 * {@code dev.sluice.testkit.NotifierContract} from the {@code sluice-core} test-jar.
 *
 * <pre>{@code
 * flow.onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts")));
 * }</pre>
 */
@FunctionalInterface
public interface Notifier {
    /**
     * Delivers {@code notification}.
     *
     * @throws SluiceException (or a subclass) if it could not be delivered
     */
    void send(Notification notification);
}
