package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RetryPolicy;
import dev.sluice.TaskFailedException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The email tasks against a server that refuses one recipient of a message: the message reaches the
 * recipients the server takes, the refused ones are named in the failure (one message) or the result
 * (a batch), and no retry sends it again.
 */
class EmailPartialRecipientsIT {
    private static final SubethaServer.Faults ONE_LEFT = new SubethaServer.Faults() {
        @Override
        public boolean refuseRecipient(String recipient) {
            return recipient.equals("left-the-company@example.com");
        }
    };

    private static EmailServerCredentials plain(SubethaServer server) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(server.port());
    }

    private static EmailMessage report(String subject) {
        return EmailMessage.builder().from("reports@example.com")
                .to("oncall@example.com", "left-the-company@example.com", "lead@example.com")
                .subject(subject).text("1,204 rows").build();
    }

    @Test
    void sendMessageDeliversToTheAcceptedRecipientsAndFailsNamingTheRefusedOneWithoutResending() throws Exception {
        try (SubethaServer server = SubethaServer.plain(ONE_LEFT)) {
            // even a policy that retries every failure never sends the message a second time
            var send = EmailTasks.sendMessage().withRetryPolicy(RetryPolicy.fixed(2, Duration.ZERO));
            TaskFailedException failed = EmailSendIT.catchTaskFailure(() -> send.run(plain(server), report("Loaded")));

            assertThat(server.received()).as("one message, to the recipients the server took").hasSize(1);
            assertThat(server.received().get(0).recipients()).containsExactly("oncall@example.com", "lead@example.com");
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
                assertThat(e.kind()).isEqualTo(EmailException.Kind.REJECTED);
                assertThat(e.isRetryable()).as("it was delivered: sending again would deliver twice").isFalse();
                assertThat(e).hasMessageContaining("refused recipients [left-the-company@example.com]")
                        .hasMessageContaining("550")
                        .hasMessageContaining("delivered to the other recipients [oncall@example.com, lead@example.com]");
            });
        }
    }

    @Test
    void sendMessagesReportsAMessageDeliveredToSomeOfItsRecipientsAsPartlySent() throws Exception {
        try (SubethaServer server = SubethaServer.plain(ONE_LEFT)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server),
                    List.of(report("first"), EmailMessage.builder().from("reports@example.com").to("lead@example.com")
                            .subject("second").text("t").build()));

            assertThat(results).extracting(EmailSendResult::status)
                    .containsExactly(EmailSendResult.Status.PARTLY_SENT, EmailSendResult.Status.SENT);
            EmailSendResult partly = results.get(0);
            assertThat(partly.messageId()).isNotBlank();
            assertThat(partly.error()).as("names the message").contains(partly.messageId());
            assertThat(partly.sent()).isFalse();
            assertThat(partly.error()).contains("refused recipients [left-the-company@example.com]")
                    .contains("delivered to the other recipients [oncall@example.com, lead@example.com]");
            assertThat(server.received()).hasSize(2);
            assertThat(server.received().get(0).recipients()).containsExactly("oncall@example.com", "lead@example.com");
        }
    }

    /** A server that takes at most two recipients per message, as many do (Gmail, Microsoft 365: a few hundred). */
    private static final SubethaServer.Faults TWO_PER_MESSAGE = new SubethaServer.Faults() {
        @Override
        public String recipientReply(String recipient, int number) {
            return number > 2 ? "452 4.5.3 Too many recipients" : null;
        }
    };

    private static EmailMessage toFive(String subject) {
        return EmailMessage.builder().from("reports@example.com")
                .to("a@example.com", "b@example.com", "c@example.com").cc("d@example.com").bcc("e@example.com")
                .subject(subject).text("1,204 rows").build();
    }

    @Test
    void recipientsBeyondTheServersLimitPerMessageGetItInFurtherTransactionsEachOnce() throws Exception {
        try (SubethaServer server = SubethaServer.plain(TWO_PER_MESSAGE)) {
            String id = EmailTasks.sendMessage().run(plain(server), toFive("Loaded"));

            assertThat(id).isNotBlank();
            assertThat(server.received()).extracting(SubethaServer.Received::recipients).containsExactly(
                    List.of("a@example.com", "b@example.com"), List.of("c@example.com", "d@example.com"), List.of("e@example.com"));
            for (SubethaServer.Received r : server.received()) {
                assertThat(new String(r.data(), java.nio.charset.StandardCharsets.US_ASCII)).contains(id);
            }

            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), List.of(toFive("first"), toFive("second")));
            assertThat(results).extracting(EmailSendResult::status)
                    .containsExactly(EmailSendResult.Status.SENT, EmailSendResult.Status.SENT);
            assertThat(server.received()).hasSize(9);
        }
    }

    @Test
    void aRecipientRefusedForNowIsNamedAmongTheRefusedOnes() throws Exception {
        SubethaServer.Faults busy = new SubethaServer.Faults() {
            @Override
            public String recipientReply(String recipient, int number) {
                return recipient.equals("busy@example.com") ? "450 4.2.1 Mailbox busy, try again later" : null;
            }
        };
        try (SubethaServer server = SubethaServer.plain(busy)) {
            EmailMessage message = EmailMessage.builder().from("reports@example.com")
                    .to("oncall@example.com", "busy@example.com").subject("Loaded").text("t").build();
            TaskFailedException failed = EmailSendIT.catchTaskFailure(() -> EmailTasks.sendMessage().run(plain(server), message));

            assertThat(server.received()).extracting(SubethaServer.Received::recipients)
                    .containsExactly(List.of("oncall@example.com"));
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e -> {
                assertThat(e.kind()).isEqualTo(EmailException.Kind.REJECTED);
                assertThat(e.isRetryable()).isFalse();
                assertThat(e).hasMessageContaining("refused recipients [busy@example.com]")
                        .hasMessageContaining("450")
                        .hasMessageContaining("delivered to the other recipients [oncall@example.com]");
            });
        }
    }

    @Test
    void aConnectionLostSendingTheRestOfTheRecipientsIsReopenedForTheNextMessageOfTheBatch() throws Exception {
        SubethaServer.Faults dropsTheSecond = new SubethaServer.Faults() {
            @Override
            public String recipientReply(String recipient, int number) {
                return TWO_PER_MESSAGE.recipientReply(recipient, number);
            }

            @Override
            public boolean dropAtMailFrom(String sessionId, int sessionNumber, int messageInSession) {
                return sessionNumber == 1 && messageInSession == 2;
            }
        };
        try (SubethaServer server = SubethaServer.plain(dropsTheSecond)) {
            EmailMessage second = EmailMessage.builder().from("reports@example.com").to("lead@example.com")
                    .subject("second").text("t").build();
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server), List.of(toFive("first"), second));

            assertThat(results).extracting(EmailSendResult::status)
                    .containsExactly(EmailSendResult.Status.PARTLY_SENT, EmailSendResult.Status.SENT);
            assertThat(results.get(0).error()).contains("refused recipients [c@example.com, d@example.com, e@example.com]")
                    .contains("delivered to the other recipients [a@example.com, b@example.com]");
            assertThat(server.received()).extracting(SubethaServer.Received::recipients)
                    .containsExactly(List.of("a@example.com", "b@example.com"), List.of("lead@example.com"));
        }
    }
}
