package dev.sluice;

/**
 * Something that can deliver a {@link Notification}: a Slack webhook, an email notifier, a log.
 * Usually a {@link Block}, so it can be saved once and loaded by name.
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
