package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import dev.sluice.SluiceException;
import dev.sluice.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link Notifier} must have, checked against the real peer it talks to
 * (WireMock for a webhook, GreenMail for email, the log for {@code LogNotifier}). Extend it in a
 * {@code *Test} or {@code *IT} and implement {@link #newNotifier()} and {@link #delivered()}.
 *
 * <pre>{@code
 * class SlackWebhookNotifierIT extends NotifierContract {
 *     @RegisterExtension static WireMockExtension wm = WireMockExtension.newInstance()
 *             .options(wireMockConfig().dynamicPort()).build();
 *
 *     @BeforeEach void stub() { wm.stubFor(post("/hook").willReturn(ok("ok"))); }
 *
 *     protected Notifier newNotifier() { return new SlackWebhook(Secret.of(wm.baseUrl() + "/hook")); }
 *
 *     protected List<String> delivered() {   // the text of each message WireMock received, decoded
 *         return wm.getAllServeEvents().stream()
 *                 .map(e -> Json.read(e.getRequest().getBodyAsString()).get("text").asText()).toList();
 *     }
 * }
 * }</pre>
 *
 * The tests search {@link #delivered()} for unique tokens, so the peer may keep messages from
 * earlier tests; they poll it for up to {@link #deliveryTimeout()}, so an asynchronous peer works.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class NotifierContract {
    /** A notifier that delivers to the real peer; called once or more per test. */
    protected abstract Notifier newNotifier();

    /**
     * The messages the peer has received so far, oldest first, each as decoded text (JSON
     * unescaped, email decoded; HTML entities for {@code <>&} may stay) that includes what the
     * notifier sent of the subject, body and fields.
     */
    protected abstract List<String> delivered();

    /**
     * A notifier of the same kind whose peer is unreachable or answers with an error (say, a
     * WireMock stub returning 500, or a closed port), or null to skip that test.
     */
    protected @Nullable Notifier unreachableNotifier() {
        return null;
    }

    /** The secret values the notifiers were built with (tokens, passwords, webhook URLs), which must never show. */
    protected List<String> secretValues() {
        return List.of();
    }

    /** Whether the notifier delivers the notification's fields; true unless the channel has no room for them. */
    protected boolean deliversFields() {
        return true;
    }

    /** How long to wait for an asynchronous peer to show a delivered message. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    // ------------------------------------------------------------------ helpers

    protected static String token() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Waits until a delivered message matches {@code match} and returns it. */
    protected String awaitDelivered(String what, Predicate<String> match) {
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        List<String> seen = List.of();
        while (true) {
            seen = delivered();
            for (String text : seen) {
                if (match.test(text)) {
                    return text;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no delivered message " + what + " within " + deliveryTimeout()
                        + "; delivered: " + seen);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    private String awaitContaining(String... parts) {
        return awaitDelivered("containing " + List.of(parts), text -> {
            for (String p : parts) {
                if (!text.contains(p)) {
                    return false;
                }
            }
            return true;
        });
    }

    // ------------------------------------------------------------------ tests

    @Test
    public void deliversSubjectAndBody() {
        String t = token();
        newNotifier().send(Notification.of("subject-" + t, "body-" + t + " line one\nline two", Severity.ERROR));
        String text = awaitContaining("subject-" + t, "body-" + t);
        assertThat(text).contains("line two");
    }

    @Test
    public void deliversFieldValues() {
        assumeTrue(deliversFields(), "this notifier does not deliver fields");
        String t = token();
        newNotifier().send(new Notification("fields-" + t, "body", Severity.WARNING,
                Map.of("flow", "flow-" + t, "state", "FAILED")));
        awaitContaining("fields-" + t, "flow-" + t);
    }

    @Test
    public void deliversANotificationWithANullFieldValue() {
        // a value such as e.getMessage() is often null: the notification still goes, the field shown empty
        String t = token();
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("error", null);
        fields.put("flow", "flow-" + t);
        Notification n = new Notification("nulls-" + t, "body", Severity.ERROR, fields);
        newNotifier().send(n);
        awaitContaining("nulls-" + t);
        assertThat(n.fields()).containsEntry("error", "");
    }

    @Test
    public void deliversEverySeverity() {
        String t = token();
        Notifier notifier = newNotifier();
        for (Severity s : Severity.values()) {
            notifier.send(Notification.of("severity-" + s + "-" + t, "severity " + s, s));
        }
        for (Severity s : Severity.values()) {
            awaitContaining("severity-" + s + "-" + t);
        }
    }

    @Test
    public void keepsSpecialCharacters() {
        String t = token();
        String body = "special-" + t + " \"quoted\" back\\slash <tag> a & b Zürich €";
        newNotifier().send(Notification.of("chars-" + t, body, Severity.INFO));
        String text = awaitContaining("special-" + t);
        assertThat(text).contains("\"quoted\"", "back\\slash", "Zürich", "€");
        // channels such as Slack must escape <, > and & as entities: either form is fine
        String unescaped = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        assertThat(unescaped).contains("<tag>", "a & b");
    }

    /**
     * A notification sent directly (not through {@code Notify}) whose text holds a value a {@code Secret}
     * revealed in this JVM arrives with the value masked, in the subject, the body and the fields.
     */
    @Test
    public void masksRevealedSecretsInWhatItSends() {
        String t = token();
        String secret = dev.sluice.block.Secret.of("revealed-pw-" + t).reveal();
        newNotifier().send(new Notification("masked-" + t + " " + secret, "masked-body-" + t + " password=" + secret,
                Severity.ERROR, deliversFields() ? Map.of("dsn", "user:" + secret + "@db") : Map.of()));
        String text = awaitContaining("masked-" + t, "masked-body-" + t);
        assertThat(text).doesNotContain(secret).contains("**********");
    }

    @Test
    public void sendsConcurrently() throws Exception {
        String t = token();
        Notifier notifier = newNotifier();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                futures.add(pool.submit(() -> notifier.send(Notification.of("concurrent-" + n + "-" + t, "body", Severity.INFO))));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 4; i++) {
            awaitContaining("concurrent-" + i + "-" + t);
        }
    }

    @Test
    public void aFailingFlowNotifiesWithItsNameStateAndError() {
        String t = token();
        Flow<String, Integer> flow = Flow.<String, Integer>of("contract-flow-" + t, (String input) -> {
            throw new IllegalStateException("boom-" + t + " while reading " + input);
        }).onFailure(Notify.via(newNotifier()).withRetries(0, Duration.ZERO));
        FlowRun<Integer> run = flow.runForState("input-" + t);
        assertThat(run.state()).isEqualTo(State.FAILED);
        awaitContaining("contract-flow-" + t, "FAILED", "boom-" + t);
    }

    @Test
    public void anUnreachablePeerIsASluiceExceptionWithoutSecrets() {
        Notifier broken = unreachableNotifier();
        assumeTrue(broken != null, "no unreachable notifier given");
        assertThatThrownBy(() -> broken.send(Notification.of("unreachable-" + token(), "body", Severity.ERROR)))
                .isInstanceOf(SluiceException.class)
                .satisfies(e -> {
                    for (String secret : secretValues()) {
                        assertThat(String.valueOf(e.getMessage())).doesNotContain(secret);
                    }
                });
    }

    @Test
    public void toStringHidesSecrets() {
        assumeFalse(secretValues().isEmpty(), "no secret values given");
        String text = newNotifier().toString();
        for (String secret : secretValues()) {
            assertThat(text).doesNotContain(secret);
        }
    }
}
