package dev.sluice.notify;

/**
 * Something that can deliver a {@link Notification}: a Slack webhook, an email notifier, a log.
 * Usually a {@link dev.sluice.block.Block}, so it can be saved once and loaded by name; {@link Notify#via} turns
 * notifiers into a flow or task hook. Implementations deliver the subject, body and fields as
 * given (they arrive already masked), are thread-safe, and should pass
 * {@code dev.sluice.testkit.NotifierContract} from the {@code sluice-core} test-jar.
 *
 * <pre>{@code
 * flow = flow.onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts")));   // a copy with the hook: a flow never changes
 * }</pre>
 */
@FunctionalInterface
public interface Notifier {
    /**
     * Delivers {@code notification}.
     *
     * @throws dev.sluice.SluiceException (or a subclass) if it could not be delivered
     */
    void send(Notification notification);

    /**
     * Sends {@code message} at once, as Prefect's {@code block.notify("...")} does: an
     * {@link Severity#INFO} notification whose subject is the message's first line (at most 150
     * characters) and whose body is the whole message, with every revealed secret masked.
     *
     * <pre>{@code
     * Blocks.load(SlackWebhook.class, "ops").notify("Hello from Sluice!");
     * }</pre>
     *
     * @throws dev.sluice.SluiceException (or a subclass) if it could not be delivered
     */
    default void notify(String message) {
        java.util.Objects.requireNonNull(message, "message");
        String masked = dev.sluice.internal.Masker.mask(message);
        String first = masked.lines().findFirst().orElse("").strip();
        // cut between grapheme clusters: half an emoji would arrive as '?'
        String subject = TextCuts.cut(first, 150, TextCuts.Measure.CHARS, "\u2026");
        send(new Notification(subject.isEmpty() ? "Sluice notification" : subject, masked, Severity.INFO, java.util.Map.of()));
    }
}
