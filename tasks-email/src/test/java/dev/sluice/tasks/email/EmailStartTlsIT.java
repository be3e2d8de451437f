package dev.sluice.tasks.email;

import static dev.sluice.tasks.email.EmailSendIT.catchTaskFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** STARTTLS against subethasmtp (GreenMail has no STARTTLS) with a certificate made at test time. */
class EmailStartTlsIT {

    @Test
    void negotiatesStartTls() throws Exception {
        try (SubethaServer server = SubethaServer.withStartTls()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.STARTTLS)
                    .withPort(server.port())
                    .withTrustAll(true);

            String id = EmailTasks.sendMessage().run(credentials, EmailMessage.builder()
                    .from("me@example.com").to("you@example.com").subject("over STARTTLS").text("hello").build());

            assertThat(server.received()).singleElement().satisfies(r -> {
                assertThat(r.tls()).as("the session was upgraded with STARTTLS").isTrue();
                assertThat(r.recipients()).containsExactly("you@example.com");
                assertThat(new String(r.data(), StandardCharsets.UTF_8)).contains("Message-ID: " + id).contains("over STARTTLS");
            });
        }
    }

    @Test
    void refusesAServerWithoutStartTls() throws Exception {
        try (SubethaServer server = SubethaServer.plain()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.STARTTLS)
                    .withPort(server.port())
                    .withTrustAll(true);

            TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().run(credentials,
                    EmailMessage.builder().from("me@example.com").to("you@example.com").subject("s").text("secret").build()));

            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
                assertThat(e.kind()).isEqualTo(EmailException.Kind.TLS);
                assertThat(e.isRetryable()).isFalse();
            }).hasMessageContaining("SMTP server 127.0.0.1:" + server.port() + " does not offer STARTTLS");
            assertThat(failed.run().attempts()).isEqualTo(1);
            assertThat(server.received()).as("nothing may be sent in plain text").isEmpty();
        }
    }

    @Test
    void verifiesTheCertificateByDefault() throws Exception {
        try (SubethaServer server = SubethaServer.withStartTls()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("localhost", EmailSecurity.STARTTLS)
                    .withPort(server.port());

            TaskFailedException failed = catchTaskFailure(() -> EmailTasks.sendMessage().run(credentials,
                    EmailMessage.builder().from("me@example.com").to("you@example.com").subject("s").text("t").build()));

            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class,
                    e -> assertThat(e.kind()).isEqualTo(EmailException.Kind.TLS))
                    .hasMessageContaining("TLS with SMTP server localhost:" + server.port() + " failed");
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void sendsPlainOnlyWhenNoneIsChosenAndWarns() throws Exception {
        try (SubethaServer server = SubethaServer.withStartTls()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(server.port());
            var send = EmailTasks.sendMessage();
            FlowRun<String> run = Flow.of("plain-mail", (String to) -> send.run(credentials,
                    EmailMessage.builder().from("me@example.com").to(to).subject("s").text("t").build()))
                    .runForState("you@example.com");

            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(server.received()).singleElement().satisfies(r -> assertThat(r.tls()).isFalse());
            assertThat(run.logs()).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("WARN");
                assertThat(line.message()).contains("security NONE").contains("unencrypted");
            });
        }
    }

    @Test
    void trustAllIsWarnedAbout() throws Exception {
        try (SubethaServer server = SubethaServer.withStartTls()) {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.STARTTLS)
                    .withPort(server.port())
                    .withTrustAll(true);
            var send = EmailTasks.sendMessage();
            FlowRun<String> run = Flow.of("trusting-mail", (String to) -> send.run(credentials,
                    EmailMessage.builder().from("me@example.com").to(to).subject("s").text("t").build()))
                    .runForState("you@example.com");

            assertThat(run.state()).isEqualTo(State.COMPLETED);
            assertThat(run.logs()).anySatisfy(line -> {
                assertThat(line.level()).isEqualTo("WARN");
                assertThat(line.message()).contains("verification is OFF").contains("trustAll only in tests");
            });
        }
    }
}
