package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.sluice.RetryPolicy;
import dev.sluice.block.Secret;
import dev.sluice.TaskFailedException;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sends real mail to GreenMail (SMTP and SMTPS) and reads it back. */
class EmailSendIT {
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
    void clear() throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
    }

    @Test
    void sendsTextHtmlAttachmentsAndInlineImagesIntact() throws Exception {
        byte[] binary = new byte[70_000];
        new Random(42).nextBytes(binary);
        for (int i = 0; i < 256; i++) {
            binary[i] = (byte) i;
        }
        byte[] text = "line one\nline two with trailing spaces   \r\nno newline at end".getBytes(StandardCharsets.UTF_8);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
        Path csv = dir.resolve("report.csv");
        Files.write(csv, "id,name\n1,Zoë\n".getBytes(StandardCharsets.UTF_8));

        EmailMessage message = EmailMessage.builder()
                .to("to@example.com")
                .cc("Carbon Copy <cc@example.com>")
                .bcc("hidden@example.com")
                .replyTo("replies@example.com")
                .subject("Daily load — 1,204 rows ✓")
                .text("plain body é")
                .html("<p>html body é <img src=\"cid:logo\"></p>")
                .inlineImage("logo", png, "image/png")
                .attach("random.bin", binary, "application/octet-stream")
                .attach("notes.txt", text, "text/plain")
                .attach(csv)
                .header("X-Run-Id", "run-42")
                .build();

        String messageId = EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail), message);

        assertThat(messageId).startsWith("<").endsWith("@example.com>");
        assertThat(greenMail.waitForIncomingEmail(10_000, 3)).isTrue();
        MimeMessage[] received = greenMail.getReceivedMessages();
        assertThat(received).hasSize(3); // one copy per mailbox: to, cc and bcc
        for (MimeMessage m : received) {
            assertThat(m.getMessageID()).isEqualTo(messageId);
            assertThat(m.getHeader("Bcc")).isNull();
            assertThat(GreenMailUtil.getHeaders(m)).doesNotContain("hidden@example.com");
        }
        assertThat(greenMail.findReceivedMessages(u -> u.getEmail().equals("hidden@example.com"), x -> true)).hasSize(1);

        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("Daily load — 1,204 rows ✓");
        assertThat(m.getFrom()[0].toString()).isEqualTo(GreenMailServers.USER);
        assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(Object::toString).containsExactly("to@example.com");
        assertThat(m.getRecipients(Message.RecipientType.CC)).extracting(Object::toString)
                .containsExactly("Carbon Copy <cc@example.com>");
        assertThat(m.getReplyTo()).extracting(Object::toString).containsExactly("replies@example.com");
        assertThat(m.getHeader("X-Run-Id")).containsExactly("run-42");
        assertThat(m.getSentDate()).isNotNull();

        assertThat(m.getContentType()).startsWith("multipart/mixed");
        Multipart mixed = (Multipart) m.getContent();
        assertThat(mixed.getCount()).isEqualTo(4);
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
        assertThat(alternative.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain body é");
        assertThat(alternative.getBodyPart(1).getContentType()).startsWith("multipart/related");
        Multipart related = (Multipart) alternative.getBodyPart(1).getContent();
        assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
        assertThat(related.getBodyPart(0).getContent()).isEqualTo("<p>html body é <img src=\"cid:logo\"></p>");
        BodyPart image = related.getBodyPart(1);
        assertThat(image.getHeader("Content-ID")).containsExactly("<logo>");
        assertThat(image.getDisposition()).isEqualTo(Part.INLINE);
        assertThat(bytes(image)).isEqualTo(png);

        assertThat(attachment(mixed, "random.bin")).isEqualTo(binary);
        assertThat(attachment(mixed, "notes.txt")).isEqualTo(text);
        assertThat(attachment(mixed, "report.csv")).isEqualTo(Files.readAllBytes(csv));
        assertThat(mixed.getBodyPart(1).getHeader("Content-Transfer-Encoding")).containsExactly("base64");
    }

    @Test
    void sendsPlainTextAloneAsASinglePart() throws Exception {
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail),
                EmailMessage.builder().from("Other <other@example.org>").to("to@example.com").subject("s").text("only text").build());
        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getContentType()).startsWith("text/plain").contains("UTF-8");
        assertThat(m.getContent()).isEqualTo("only text");
        assertThat(m.getFrom()[0].toString()).isEqualTo("Other <other@example.org>");
        assertThat(m.getMessageID()).endsWith("@example.org>");
    }

    @Test
    void sendsHtmlAloneAsASinglePart() throws Exception {
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail),
                EmailMessage.builder().to("to@example.com").subject("s").html("<b>bold</b>").build());
        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getContentType()).startsWith("text/html");
        assertThat(m.getContent()).isEqualTo("<b>bold</b>");
    }

    @Test
    void sendsOverSmtpsWithTrustAll() throws Exception {
        String id = EmailTasks.sendMessage().run(GreenMailServers.smtps(greenMail),
                EmailMessage.of("tls@example.com", "over TLS", "secret report"));
        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        assertThat(greenMail.getReceivedMessages()[0].getMessageID()).isEqualTo(id);
    }

    @Test
    void refusesAnUntrustedCertificateUnlessTrustAllIsSet() {
        EmailServerCredentials verified = GreenMailServers.smtps(greenMail).withTrustAll(false);
        assertThatThrownBy(() -> EmailTasks.sendMessage().run(verified, EmailMessage.of("tls@example.com", "s", "t")))
                .isInstanceOf(TaskFailedException.class)
                .cause()
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmailException.Kind.TLS);
                    assertThat(e.isRetryable()).isFalse();
                })
                .hasMessageContaining("TLS with SMTP server 127.0.0.1:" + verified.port() + " failed");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorWithoutThePassword() {
        String wrong = "Wr0ng-Pa55word-xyz";
        EmailServerCredentials credentials = GreenMailServers.smtp(greenMail).withLogin(GreenMailServers.USER, Secret.of(wrong));

        TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage()
                .run(credentials, EmailMessage.of("to@example.com", "s", "t")));

        assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.kind()).isEqualTo(EmailException.Kind.AUTHENTICATION);
            assertThat(e.isRetryable()).isFalse();
        });
        assertThat(failed.getCause()).hasMessageContaining("authentication as '" + GreenMailServers.USER
                + "' at SMTP server 127.0.0.1:" + credentials.port() + " failed");
        assertThat(failed.run().attempts()).isEqualTo(1); // not retried by the default policy
        String everything = stackTrace(failed);
        assertThat(everything).doesNotContain(wrong)
                .doesNotContain(base64(wrong))
                .doesNotContain(base64("\0" + GreenMailServers.USER + "\0" + wrong));
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void serverNotListeningIsRetriedThenFailsNamingHostAndPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmailServerCredentials nowhere = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE)
                .withPort(port)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));

        TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage()
                .withRetryPolicy(RetryPolicy.fixed(2, Duration.ofMillis(20)).retryIf(EmailTasks::isRetryable))
                .run(nowhere, EmailMessage.builder().from("me@example.com").to("to@example.com").text("t").build()));

        assertThat(failed.run().attempts()).isEqualTo(3);
        assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
            assertThat(e.kind()).isEqualTo(EmailException.Kind.CONNECTION);
            assertThat(e.isRetryable()).isTrue();
        }).hasMessageContaining("could not connect to SMTP server 127.0.0.1:" + port);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE)
                    .withPort(silent.getLocalPort())
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500));
            TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().withRetryPolicy(RetryPolicy.none())
                    .run(credentials, EmailMessage.builder().from("me@example.com").to("to@example.com").text("t").build()));
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
                assertThat(e.kind()).isEqualTo(EmailException.Kind.CONNECTION);
                assertThat(e.isRetryable()).isTrue();
            }).hasMessageContaining("127.0.0.1:" + silent.getLocalPort()).hasMessageContaining("timed out");
        }
    }

    @Test
    void defaultRetryPolicyRetriesConnectionFailuresOnly() {
        assertThat(EmailTasks.sendMessage().retryPolicy().maxRetries()).isEqualTo(2);
        assertThat(EmailTasks.defaultRetryPolicy().yieldsToEnclosingRetries()).as("a library default yields").isTrue();
        assertThat(EmailTasks.sendMessage().withRetries(3, Duration.ofSeconds(1)).retryPolicy().yieldsToEnclosingRetries())
                .as("a policy the user sets does not").isFalse();
        assertThat(new EmailException(EmailException.Kind.UNCONFIRMED, "x", false, null))
                .as("Notify does not send again what may have been delivered")
                .isInstanceOf(dev.sluice.notify.NotificationException.class)
                .satisfies(e -> assertThat(e.isRetryable()).isFalse());
        assertThat(EmailTasks.isRetryable(new EmailException(EmailException.Kind.CONNECTION, "x", true, null))).isTrue();
        assertThat(EmailTasks.isRetryable(new EmailException(EmailException.Kind.AUTHENTICATION, "x", false, null))).isFalse();
        assertThat(EmailTasks.isRetryable(new IllegalArgumentException("x"))).isFalse();
        assertThat(EmailTasks.sendMessage().retryPolicy().shouldRetry(new IllegalArgumentException("bad input"))).isFalse();
        EmailException wrongPassword = new EmailException(EmailException.Kind.AUTHENTICATION, "535", false, null);
        assertThat(EmailTasks.sendMessage().withRetries(3, Duration.ofSeconds(5)).retryPolicy().shouldRetry(wrongPassword))
                .as("withRetries retries every failure, as the README says").isTrue();
        assertThat(EmailTasks.sendMessage().withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(5))
                        .retryIf(EmailTasks::isRetryable)).retryPolicy().shouldRetry(wrongPassword))
                .as("the README's policy that keeps the condition").isFalse();
    }

    @Test
    void missingAttachmentFileFailsBeforeConnecting() throws Exception {
        Path missing = dir.resolve("not-there.pdf");
        try (ConnectionCounter counter = new ConnectionCounter()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(counter.port());
            EmailMessage message = EmailMessage.builder().from("me@example.com").to("to@example.com").subject("report")
                    .text("see attached").attach(missing).build();

            TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().run(credentials, message));
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class,
                            e -> assertThat(e.kind()).isEqualTo(EmailException.Kind.INVALID_MESSAGE))
                    .hasMessageContaining("attachment file '" + missing.toAbsolutePath() + "'")
                    .hasMessageContaining("does not exist");
            assertThat(failed.run().attempts()).isEqualTo(1);

            TaskFailedException batch = catchTaskFailure(() -> EmailTasks.sendMessages()
                    .run(credentials, List.of(EmailMessage.builder().from("me@example.com").to("a@example.com").text("ok").build(), message)));
            assertThat(batch.getCause()).hasMessageContaining("of message 1 ").hasMessageContaining(missing.toString());

            Thread.sleep(100);
            assertThat(counter.connections()).isZero();
        }
    }

    @Test
    void lineBreaksAreRejectedBeforeAnyConnection() throws Exception {
        try (ConnectionCounter counter = new ConnectionCounter()) {
            assertThatThrownBy(() -> EmailTasks.sendMessage().run(
                    EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(counter.port()),
                    EmailMessage.builder().from("me@example.com").to("to@example.com").subject("hi\r\nBcc: x@example.com").build()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("subject must not contain line breaks");
            assertThatThrownBy(() -> EmailMessage.builder().to("to@example.com\r\nRCPT TO:<x@example.com>"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("to must not contain line breaks");
            Thread.sleep(100);
            assertThat(counter.connections()).isZero();
        }
    }

    @Test
    void messageWithoutFromNeedsAUsername() {
        EmailServerCredentials anonymous = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE)
                .withPort(greenMail.getSmtp().getPort());
        TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage()
                .run(anonymous, EmailMessage.of("to@example.com", "s", "t")));
        assertThat(failed.getCause()).hasMessageContaining("has no from address");
    }

    @Test
    void aUsernameThatIsNoAddressIsNotUsedAsTheSenderAndTheErrorSaysSo() {
        // SendGrid's login is "apikey", Amazon SES's an access key id: neither can be the From address
        EmailServerCredentials sendGridLike = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "apikey",
                Secret.of("SG.not-a-real-key-42")).withPort(greenMail.getSmtp().getPort());
        TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage()
                .run(sendGridLike, EmailMessage.of("to@example.com", "s", "t")));
        assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class,
                        e -> assertThat(e.kind()).isEqualTo(EmailException.Kind.INVALID_MESSAGE))
                .hasMessageContaining("username 'apikey' is not an email address").hasMessageContaining("from(");
        assertThat(greenMail.getReceivedMessages()).isEmpty();
    }

    private static byte[] attachment(Multipart mixed, String name) throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < mixed.getCount(); i++) {
            BodyPart part = mixed.getBodyPart(i);
            if (name.equals(part.getFileName())) {
                assertThat(part.getDisposition()).isEqualTo(Part.ATTACHMENT);
                return bytes(part);
            }
            names.add(part.getFileName());
        }
        throw new AssertionError("no attachment " + name + " in " + names);
    }

    private static byte[] bytes(Part part) throws Exception {
        try (var in = part.getInputStream()) {
            return in.readAllBytes();
        }
    }

    static TaskFailedException catchTaskFailure(Runnable call) {
        try {
            call.run();
        } catch (TaskFailedException e) {
            return e;
        }
        throw new AssertionError("expected a TaskFailedException");
    }

    static String stackTrace(Throwable t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        t.printStackTrace(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + Arrays.toString(t.getSuppressed());
    }

    private static String base64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void namesBeyondAsciiAreSentAsEncodedWordsNotRawBytesInTheHeaders() throws Exception {
        EmailMessage message = EmailMessage.builder()
                .from("Łukasz Żółć <" + GreenMailServers.USER + ">")
                .to("Jürgen Müller <juergen@example.com>", "plain@example.com")
                .cc("山田 太郎 <taro@example.com>")
                .replyTo("Zoë 😀 <zoe@example.com>")
                .subject("names")
                .text("hello")
                .build();
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail), message);

        assertThat(greenMail.waitForIncomingEmail(10_000, 3)).isTrue();
        MimeMessage received = greenMail.getReceivedMessages()[0];
        for (String header : List.of("From", "To", "Cc", "Reply-To")) {
            String raw = received.getHeader(header, ",");
            // without SMTPUTF8 a header is ASCII (RFC 5322): a name beyond it goes as an RFC 2047 encoded-word
            assertThat(raw.chars()).as(header + ": " + raw).allMatch(c -> c < 128);
        }
        assertThat(((jakarta.mail.internet.InternetAddress) received.getFrom()[0]).getPersonal()).isEqualTo("Łukasz Żółć");
        assertThat(received.getRecipients(Message.RecipientType.TO)).extracting(a -> ((jakarta.mail.internet.InternetAddress) a).getPersonal())
                .containsExactly("Jürgen Müller", null);
        assertThat(((jakarta.mail.internet.InternetAddress) received.getRecipients(Message.RecipientType.CC)[0]).getPersonal())
                .isEqualTo("山田 太郎");
        assertThat(((jakarta.mail.internet.InternetAddress) received.getReplyTo()[0]).getPersonal()).isEqualTo("Zoë 😀");
    }

    @Test
    void anInternationalizedDomainGoesInPunycodeToTheRightMailbox() throws Exception {
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail),
                EmailMessage.of("Jürgen <juergen@bücher.example>", "idn", "hello"));

        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        // the envelope's recipient names the mailbox: as Latin-1 bytes it was "juergen@b\u00fccher.example" mangled
        assertThat(greenMail.getReceivedMessagesForDomain("xn--bcher-kva.example")).hasSize(1);
        MimeMessage received = greenMail.getReceivedMessages()[0];
        assertThat(received.getHeader("To", ",").chars()).allMatch(c -> c < 128);
        assertThat(received.getRecipients(Message.RecipientType.TO)[0].toString())
                .isEqualTo("=?UTF-8?Q?J=C3=BCrgen?= <juergen@xn--bcher-kva.example>");
    }

    @Test
    void noLineOfTheMessageIsLongerThan998CharactersWhateverTheWordsOfItsHeaders() throws Exception {
        String subject = "report-" + "x".repeat(1500) + " done";
        String url = "https://dashboard.example.com/runs?" + "id=0193a3c4&".repeat(150);
        String longName = "Übersicht-" + "ä".repeat(300) + ".csv";
        String longAscii = "export-" + "y".repeat(1200) + ".csv";
        EmailMessage message = EmailMessage.builder()
                .to("Ops <ops@example.com>")
                .subject(subject)
                .text("t")
                .header("X-Run-Link", url)
                .attach(longName, new byte[] {1}, "text/csv")
                .attach(longAscii, new byte[] {2}, "text/csv")
                .build();
        EmailTasks.sendMessage().run(GreenMailServers.smtp(greenMail), message);

        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage received = greenMail.getReceivedMessages()[0];
        // RFC 5322 2.1.1: a line MUST NOT be longer than 998 characters; servers refuse or cut such lines
        for (String line : GreenMailUtil.getWholeMessage(received).split("\r\n")) {
            assertThat(line.length()).as("a line of %d characters: %.80s...", line.length(), line).isLessThanOrEqualTo(998);
        }
        assertThat(received.getSubject()).isEqualTo(subject);
        assertThat(jakarta.mail.internet.MimeUtility.decodeText(jakarta.mail.internet.MimeUtility.unfold(
                received.getHeader("X-Run-Link")[0]))).isEqualTo(url);
        Multipart mixed = (Multipart) received.getContent();
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(longName);
        assertThat(mixed.getBodyPart(2).getFileName()).isEqualTo(longAscii);
    }

    @Test
    void startTlsAgainstAnImplicitTlsPortSaysToUseSsl() {
        // port 465 with security STARTTLS: both sides wait for the other's first byte until the read timeout
        EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.STARTTLS,
                        GreenMailServers.USER, Secret.of(GreenMailServers.PASSWORD))
                .withPort(greenMail.getSmtps().getPort())
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));

        TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().withRetryPolicy(RetryPolicy.none())
                .run(credentials, EmailMessage.of("to@example.com", "s", "t")));

        assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class,
                e -> assertThat(e.kind()).isEqualTo(EmailException.Kind.CONNECTION))
                .hasMessageContaining("the server sent no greeting")
                .hasMessageContaining("use security SSL");
    }
}
