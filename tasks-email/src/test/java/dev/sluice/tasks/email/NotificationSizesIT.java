package dev.sluice.tasks.email;

import dev.sluice.testkit.Scripts;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A notification email stays small whatever the size and script of the error (a flow failing with
 * a 1 MB error in Latin, CJK and emoji text through {@code Notify}, and a notification whose every
 * part is that large), measured as the raw message GreenMail received; the subject and the text
 * arrive whole, never with a character cut in two.
 */
class NotificationSizesIT {
    /** The raw message, headers and transfer encoding included. */
    static final int MAX_MESSAGE_BYTES = 220_000;
    private static GreenMail greenMail;

    @BeforeAll
    static void start() {
        greenMail = GreenMailServers.start();
    }

    @AfterAll
    static void stop() {
        greenMail.stop();
    }

    @ParameterizedTest
    @EnumSource(Scripts.class)
    void aNotificationEmailStaysSmall(Scripts script) throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
        String to = script.name().toLowerCase() + "@example.com";
        EmailNotifier notifier = EmailNotifier.of(GreenMailServers.smtp(greenMail), List.of(to));
        String error = script.megabyte();
        FlowRun<Object> run = Flow.of("huge-error", () -> {
            throw new IllegalStateException(error);
        }).onFailure(Notify.via(notifier).withRetries(0, Duration.ZERO).raiseOnFailure()).runForState();
        assertThat(run.state()).isEqualTo(State.FAILED);
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            fields.put(i + " " + script.atLeast(3_000), error);
        }
        notifier.send(new Notification(error, error, Severity.CRITICAL, fields));

        assertThat(greenMail.waitForIncomingEmail(10_000, 2)).isTrue();
        MimeMessage[] received = greenMail.getReceivedMessagesForDomain("example.com");
        assertThat(received).hasSize(2);
        StringBuilder sizes = new StringBuilder();
        for (MimeMessage m : received) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            m.writeTo(raw);
            sizes.append(raw.size()).append(' ');
            assertThat(raw.size()).as("raw message bytes").isLessThanOrEqualTo(MAX_MESSAGE_BYTES);
            String subject = m.getSubject();
            assertThat(subject.length()).isLessThanOrEqualTo(250);
            script.assertWhole(subject);
            String text = (String) m.getContent();
            assertThat(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .isLessThanOrEqualTo(EmailNotifier.MAX_TEXT_BYTES + 2_000); // CRLF line ends
            script.assertWhole(text);
        }
        System.out.printf("email raw message bytes for a 1 MB %s error (flow failure via Notify / everything huge): %s%n",
                script, sizes.toString().strip());
    }
}
