package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import dev.sluice.RetryPolicy;
import dev.sluice.Task2;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The email module's public Javadoc, sentence by sentence, against GreenMail. */
class JavadocPromisesEmailTest {
    private static GreenMail greenMail;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        greenMail = GreenMailServers.start();
    }

    @AfterAll
    static void stop() {
        greenMail.stop();
    }

    @BeforeEach
    void purge() throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
    }

    @Test
    void aHeaderSetAgainInAnotherCaseReplacesTheFirst() throws Exception {
        EmailMessage message = EmailMessage.builder().to("team@example.com").subject("s").text("t")
                .header("X-Run-Id", "run-1").header("x-run-id", "run-2").build();
        assertThat(message.headers()).hasSize(1).containsValue("run-2");
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail), message);
        MimeMessage got = greenMail.getReceivedMessages()[0];
        assertThat(got.getHeader("X-Run-Id")).containsExactly("run-2");
    }

    @Test
    void settersCheckTheirInputAndNameTheField() {
        assertThatThrownBy(() -> EmailMessage.builder().to("not an address")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to");
        assertThatThrownBy(() -> EmailMessage.builder().cc("a@b.example\r\nBcc: x@y.example"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmailMessage.builder().subject("one\ntwo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
        assertThatThrownBy(() -> EmailMessage.builder().header("X-A", "v\r\nBcc: x@y.example"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmailMessage.builder().to("j\u00fcrgen@example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThat(EmailMessage.builder().to("J\u00fcrgen <j@b\u00fccher.example>").subject("s").text("t").build().to()).hasSize(1);
        assertThatThrownBy(() -> EmailMessage.builder().subject("s").text("t").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmailMessage.builder().to("a@example.com").text("t")
                .inlineImage("logo", new byte[] {1}, "image/png").build()).isInstanceOf(IllegalArgumentException.class);
        EmailMessage m = EmailMessage.of("a@example.com", "s", "t");
        assertThatThrownBy(() -> m.to().add("b@example.com")).isInstanceOf(UnsupportedOperationException.class);
        EmailMessage withAll = EmailMessage.builder().to("a@example.com").cc("c@example.com").bcc("b@example.com").subject("s").text("t").build();
        assertThat(withAll.recipients()).containsExactly("a@example.com", "c@example.com", "b@example.com");
    }

    @Test
    void credentialsDefaultsAndBounds() {
        assertThat(EmailSecurity.SSL.defaultPort()).isEqualTo(465);
        assertThat(EmailSecurity.STARTTLS.defaultPort()).isEqualTo(587);
        assertThat(EmailSecurity.NONE.defaultPort()).isEqualTo(25);
        EmailServerCredentials c = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS, "reports@example.com",
                Secret.of("fake-smtp-password"));
        assertThat(c.port()).isEqualTo(587);
        assertThat(c.withPort(0).port()).isEqualTo(587);
        assertThat(c.connectTimeout()).isEqualTo(EmailServerCredentials.DEFAULT_CONNECT_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.readTimeout()).isEqualTo(EmailServerCredentials.DEFAULT_READ_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.trustAll()).isFalse();
        assertThat(c.toString()).doesNotContain("fake-smtp-password");
        assertThatThrownBy(() -> c.withPort(65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withPort(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmailServerCredentials.of("smtp example.com", EmailSecurity.SSL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withTimeouts(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.withLogin("", Secret.of("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL).username()).isNull();
    }

    @Test
    void notifierSubjectBodyAndHeaders() throws Exception {
        EmailNotifier notifier = EmailNotifier.of(GreenMailServers.smtp(greenMail), List.of("oncall@example.com"));
        assertThat(notifier.subjectPrefix()).isEqualTo(EmailNotifier.DEFAULT_SUBJECT_PREFIX);
        assertThatThrownBy(() -> EmailNotifier.of(GreenMailServers.smtp(greenMail), List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> notifier.withSubjectPrefix("a\nb")).isInstanceOf(IllegalArgumentException.class);
        EmailMessage already = notifier.message(Notification.of("[Sluice] flow failed", "b", Severity.INFO));
        assertThat(already.subject()).isEqualTo("[Sluice] flow failed");
        notifier.send(new Notification("flow\nfailed", "boom", Severity.ERROR, java.util.Map.of("run id", "r-1")));
        MimeMessage got = greenMail.getReceivedMessages()[0];
        assertThat(got.getSubject()).isEqualTo("[sluice] flow failed");
        assertThat(got.getHeader("X-Sluice-Severity")).containsExactly("ERROR");
        assertThat(got.getHeader("X-Priority")).containsExactly("1");
        assertThat(((String) got.getContent()).replace("\r\n", "\n")).isEqualToIgnoringWhitespace("boom\n\nrun id: r-1");
        EmailMessage info = notifier.message(Notification.of("s", "b", Severity.INFO));
        assertThat(info.headers()).doesNotContainKey("X-Priority");
        assertThat(notifier.message(Notification.of("x".repeat(400), "b", Severity.INFO)).subject()).hasSize(250);
    }

    @Test
    void javadocExamplesCompile() throws Exception {
        Path report = Files.writeString(dir.resolve("report.csv"), "city,rows\nBoston,1204\n");
        EmailMessage message = EmailMessage.builder()
                .to("team@example.com")
                .bcc("audit@example.com")
                .subject("Daily load")
                .text("1,204 rows loaded")
                .html("<p><b>1,204</b> rows loaded</p>")
                .attach(report)
                .build();
        EmailServerCredentials smtp = GreenMailServers.smtp(greenMail);
        String id = EmailTasks.sendMessage().run(smtp, EmailMessage.of("ops@example.com", "Loaded", "1,204 rows"));
        assertThat(id).startsWith("<").endsWith(">");
        EmailTasks.sendMessage().run(smtp, message);
        EmailNotifier notifier = EmailNotifier.of("ops-smtp", List.of("oncall@example.com"));   // credentials by name
        EmailNotifier direct = EmailNotifier.of(smtp, List.of("oncall@example.com"));           // credentials given
        assertThat(notifier.credentialsBlock()).isNotNull();
        assertThat(direct.credentials()).isEqualTo(smtp);
        EmailServerCredentials documented = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS,
                "reports@example.com", Secret.of("fake-smtp-password")); // System.getenv("SMTP_PASSWORD") in the Javadoc
        assertThat(documented.port()).isEqualTo(587);
        Task2<EmailServerCredentials, EmailMessage, String> tuned = EmailTasks.sendMessage().withRetries(5, Duration.ofSeconds(10));
        Task2<EmailServerCredentials, EmailMessage, String> kept = EmailTasks.sendMessage()
                .withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(5)).retryIf(EmailTasks::isRetryable));
        assertThat(tuned.retryPolicy().maxRetries()).isEqualTo(5);
        assertThat(kept.retryPolicy().maxRetries()).isEqualTo(3);
        assertThat(EmailTasks.defaultRetryPolicy().maxRetries()).isEqualTo(2);
        assertThat(EmailTasks.sendMessage().name()).isEqualTo("email-send-message");
        assertThat(EmailTasks.sendMessages().name()).isEqualTo("email-send-messages");
        assertThat(greenMail.getReceivedMessages()).hasSize(2 + 0 + 1); // the Daily load goes to team and audit
    }

    @Test
    void aNotifierTakesCredentialsByReferenceOrGivenNotBoth() {
        // "credentialsBlock: null when credentials is given": both at once would silently ignore the reference
        assertThatThrownBy(() -> new EmailNotifier(dev.sluice.block.BlockRef.to(EmailServerCredentials.class, "ops-smtp"),
                List.of("oncall@example.com"), null, EmailNotifier.DEFAULT_SUBJECT_PREFIX, GreenMailServers.smtp(greenMail)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
    }
}
