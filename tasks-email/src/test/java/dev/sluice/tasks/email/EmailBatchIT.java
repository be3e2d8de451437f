package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code sendMessages}: one connection for many messages, and what happens when the server misbehaves. */
class EmailBatchIT {

    private static List<EmailMessage> messages(int n) {
        List<EmailMessage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(EmailMessage.builder().from("me@example.com").to("user" + i + "@example.com")
                    .subject("message " + i).text("body " + i).build());
        }
        return list;
    }

    private static EmailServerCredentials plain(SubethaServer server) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(server.port());
    }

    /** How many times each subject arrived. */
    private static Map<String, Long> subjects(SubethaServer server) {
        return server.received().stream()
                .map(r -> new String(r.data(), StandardCharsets.UTF_8))
                .map(data -> data.lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElseThrow().substring(9))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void sendsManyMessagesOverOneConnection() throws Exception {
        try (SubethaServer server = SubethaServer.plain()) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), messages(25));

            assertThat(results).hasSize(25).allSatisfy(r -> assertThat(r.sent()).isTrue());
            assertThat(results).extracting(EmailSendResult::index).containsExactlyElementsOf(IntStream.range(0, 25).boxed().toList());
            assertThat(results).extracting(EmailSendResult::messageId).doesNotHaveDuplicates();
            assertThat(server.received()).hasSize(25);
            assertThat(server.sessions()).as("one SMTP session for the whole batch").isEqualTo(1);
        }
    }

    @Test
    void sendsABatchToGreenMail() throws Exception {
        GreenMail greenMail = GreenMailServers.start();
        try {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(GreenMailServers.smtps(greenMail), messages(10));
            assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r.sent()).isTrue());
            assertThat(greenMail.waitForIncomingEmail(10_000, 10)).isTrue();
            assertThat(greenMail.getReceivedMessages()).extracting(m -> m.getMessageID())
                    .containsExactlyInAnyOrderElementsOf(results.stream().map(EmailSendResult::messageId).toList());
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void serverDroppingTheConnectionMidBatchStillGetsEveryMessageOnce() throws Exception {
        // the first session is dropped when the 4th message starts, the second when its 3rd starts
        SubethaServer.Faults faults = new SubethaServer.Faults() {
            @Override
            public boolean dropAtMailFrom(String sessionId, int sessionNumber, int messageInSession) {
                return (sessionNumber == 1 && messageInSession == 4) || (sessionNumber == 2 && messageInSession == 3);
            }
        };
        try (SubethaServer server = SubethaServer.plain(faults)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), messages(10));

            assertThat(results).hasSize(10).allSatisfy(r -> assertThat(r.status()).isEqualTo(EmailSendResult.Status.SENT));
            Map<String, Long> subjects = subjects(server);
            assertThat(subjects).hasSize(10).allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1L));
            assertThat(server.sessions()).isEqualTo(3);
        }
    }

    @Test
    void serverThatKeepsDroppingFailsTheRestWithoutDuplicates() throws Exception {
        // after two good messages, every message is dropped at MAIL FROM, on every new connection too
        SubethaServer.Faults faults = new SubethaServer.Faults() {
            @Override
            public boolean dropAtMailFrom(String sessionId, int sessionNumber, int messageInSession) {
                return sessionNumber > 1 || messageInSession > 2;
            }
        };
        try (SubethaServer server = SubethaServer.plain(faults)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), messages(4));

            assertThat(results).extracting(EmailSendResult::status).containsExactly(
                    EmailSendResult.Status.SENT, EmailSendResult.Status.SENT,
                    EmailSendResult.Status.FAILED, EmailSendResult.Status.FAILED);
            assertThat(results.get(2).error()).contains("127.0.0.1:" + server.port());
            assertThat(subjects(server)).containsOnlyKeys("message 0", "message 1")
                    .allSatisfy((subject, count) -> assertThat(count).isEqualTo(1L));
        }
    }

    @Test
    void connectionLostAfterAMessageWasHandedOverIsNotSentTwice() throws Exception {
        SubethaServer.Faults faults = new SubethaServer.Faults() {
            @Override
            public boolean dropAfterData(String sessionId, int sessionNumber, int messageInSession) {
                return sessionNumber == 1 && messageInSession == 3;
            }
        };
        try (SubethaServer server = SubethaServer.plain(faults)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), messages(6));

            assertThat(results.get(2).status()).isEqualTo(EmailSendResult.Status.UNCONFIRMED);
            assertThat(results.get(2).error()).contains("may have been delivered").contains("127.0.0.1:" + server.port());
            assertThat(results.get(2).messageId()).isNotNull();
            assertThat(results).filteredOn(r -> r.index() != 2).allSatisfy(r -> assertThat(r.sent()).isTrue());
            assertThat(subjects(server)).hasSize(6).allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1L));
        }
    }

    @Test
    void aRefusedRecipientFailsOnlyItsMessage() throws Exception {
        SubethaServer.Faults faults = new SubethaServer.Faults() {
            @Override
            public boolean refuseRecipient(String recipient) {
                return recipient.equals("user1@example.com");
            }
        };
        try (SubethaServer server = SubethaServer.plain(faults)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), messages(3));

            assertThat(results.get(1).status()).isEqualTo(EmailSendResult.Status.FAILED);
            assertThat(results.get(1).error()).contains("refused recipients [user1@example.com]").contains("550");
            assertThat(results.get(0).sent()).isTrue();
            assertThat(results.get(2).sent()).isTrue();
            assertThat(server.sessions()).isEqualTo(1);
            assertThat(subjects(server)).containsOnlyKeys("message 0", "message 2");
        }
    }

    @Test
    void aRefusedRecipientFailsASingleSendNamingIt() throws Exception {
        SubethaServer.Faults faults = new SubethaServer.Faults() {
            @Override
            public boolean refuseRecipient(String recipient) {
                return recipient.equals("nobody@example.com");
            }
        };
        try (SubethaServer server = SubethaServer.plain(faults)) {
            var failed = EmailSendIT.catchTaskFailure(() -> EmailTasks.sendMessage().run(plain(server),
                    EmailMessage.builder().from("me@example.com").to("nobody@example.com").text("t").build()));
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
                assertThat(e.kind()).isEqualTo(EmailException.Kind.REJECTED);
                assertThat(e.isRetryable()).isFalse();
            }).hasMessageContaining("refused recipients [nobody@example.com]");
            assertThat(failed.run().attempts()).isEqualTo(1);
        }
    }

    @Test
    void emptyBatchSendsNothing() throws Exception {
        try (ConnectionCounter counter = new ConnectionCounter()) {
            assertThat(EmailTasks.sendMessages().run(
                    EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(counter.port()), List.of())).isEmpty();
            assertThat(counter.connections()).isZero();
        }
    }
}
