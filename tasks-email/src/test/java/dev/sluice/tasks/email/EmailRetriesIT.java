package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.State;
import dev.sluice.block.BlockStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One retry layer at a time, counted at the server: {@link EmailNotifier} on its own, inside
 * {@code Notify}, and a batch reconnecting. Waits are recorded by the runtime's sleeper, not slept.
 */
class EmailRetriesIT {
    private static final List<String> ONCALL = List.of("oncall@example.com");

    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void runtime() {
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    private static EmailServerCredentials plain(int port) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(port);
    }

    private static EmailNotifier notifier(int port) {
        return EmailNotifier.of(plain(port), ONCALL).withFrom("sluice@example.com");
    }

    private static Flow<String, Integer> failingEtl() {
        return Flow.of("daily-etl", (String day) -> {
            throw new IllegalStateException("no orders for " + day);
        });
    }

    @Test
    void aNotifierOnItsOwnRetriesAServerThatDropsEveryConnectionTwice() throws Exception {
        try (ConnectionCounter server = new ConnectionCounter()) {
            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> notifier(server.port()).send(Notification.of("disk full", "on db-1", Severity.ERROR)));

            assertThat(e.kind()).isEqualTo(EmailException.Kind.CONNECTION);
            assertThat(e.isRetryable()).isTrue();
            assertThat(e).hasMessageContaining("127.0.0.1:" + server.port());
            assertThat(server.connections()).isEqualTo(3);
            assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void insideNotifyTheNotifierMakesOneAttemptPerNotifyAttempt() throws Exception {
        try (ConnectionCounter server = new ConnectionCounter()) {
            FlowRun<Integer> run = failingEtl().onFailure(Notify.via(notifier(server.port()))).runForState("2026-11-20");

            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(server.connections()).as("Notify's three attempts, not three times three").isEqualTo(3);
            assertThat(slept).as("Notify's two waits of 1 s, none of the notifier's")
                    .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
            assertThat(run.logs()).anySatisfy(line -> assertThat(line.message()).contains("failed after 3 attempts")
                    .contains("outcome is unchanged"));
        }
    }

    @Test
    void aNotificationTheServerMayHaveDeliveredIsNotSentAgainByNotify() throws Exception {
        SubethaServer.Faults dropAfterData = new SubethaServer.Faults() {
            @Override
            public boolean dropAfterData(String sessionId, int sessionNumber, int messageInSession) {
                return true;
            }
        };
        try (SubethaServer server = SubethaServer.plain(dropAfterData)) {
            FlowRun<Integer> run = failingEtl().onFailure(Notify.via(notifier(server.port()))).runForState("2026-11-20");

            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(server.received()).as("received once, never sent again").hasSize(1);
            assertThat(slept).isEmpty();
            assertThat(run.logs()).anySatisfy(line -> {
                assertThat(line.message()).contains("failed after 1 attempt");
                assertThat(line.error()).contains("may have been delivered");
            });
        }
    }

    @Test
    void aBatchReconnectsThroughTheRuntimesSleeperAndFailsTheRestWhenTheServerIsGone() throws Exception {
        List<EmailMessage> messages = List.of(
                EmailMessage.builder().from("me@example.com").to("a@example.com").subject("one").text("1").build(),
                EmailMessage.builder().from("me@example.com").to("b@example.com").subject("two").text("2").build(),
                EmailMessage.builder().from("me@example.com").to("c@example.com").subject("three").text("3").build());
        try (OneSessionSmtpServer server = new OneSessionSmtpServer(1)) {
            List<EmailSendResult> results = EmailTasks.sendMessages().run(plain(server.port()), messages);

            assertThat(results).extracting(EmailSendResult::status).containsExactly(EmailSendResult.Status.SENT,
                    EmailSendResult.Status.FAILED, EmailSendResult.Status.FAILED);
            assertThat(results.get(1).error()).contains("not sent").contains("127.0.0.1:" + server.port());
            assertThat(server.received()).isEqualTo(1);
            assertThat(slept).as("one reconnect retry after 1 s").containsExactly(Duration.ofSeconds(1));
        }
    }

    /** A server that stores each message at once and confirms it only after {@code millis}. */
    private static SubethaServer slowToConfirm(long millis) throws Exception {
        return SubethaServer.plain(new SubethaServer.Faults() {
            @Override
            public long confirmDelayMillis(String sessionId, int sessionNumber, int messageInSession) {
                return millis;
            }
        });
    }

    @Test
    void aMessageCutOffByTheTasksTimeoutAfterItWasHandedOverIsNotSentAgainByItsRetries() throws Exception {
        try (SubethaServer server = slowToConfirm(2_500)) {
            var send = EmailTasks.sendMessage().withTimeout(Duration.ofMillis(1_000)).withRetries(2, Duration.ofSeconds(5));
            FlowRun<String> run = Flow.of("report", () -> send.run(plain(server.port()),
                    EmailMessage.builder().from("me@example.com").to("a@example.com").subject("daily").text("1").build()))
                    .runForState();

            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(run.taskRuns().get(0).attempts()).as("retried, without sending").isGreaterThan(1);
            assertThat(run.error().orElseThrow().message()).contains("may have been delivered");
            Thread.sleep(2_000); // until the cut-off attempt has the server's answer: it sends nothing more either
            assertThat(server.received()).as("handed over once, never sent again").hasSize(1);
        }
    }

    @Test
    void aBatchCutOffByTheTasksTimeoutResumesOnItsRetryWithoutSendingAnyMessageTwice() throws Exception {
        List<EmailMessage> messages = List.of(
                EmailMessage.builder().from("me@example.com").to("a@example.com").subject("one").text("1").build(),
                EmailMessage.builder().from("me@example.com").to("b@example.com").subject("two").text("2").build(),
                EmailMessage.builder().from("me@example.com").to("c@example.com").subject("three").text("3").build());
        SubethaServer.Faults secondIsSlowOnce = new SubethaServer.Faults() {
            @Override
            public long confirmDelayMillis(String sessionId, int sessionNumber, int messageInSession) {
                return sessionNumber == 1 && messageInSession == 2 ? 2_500 : 0;
            }
        };
        try (SubethaServer server = SubethaServer.plain(secondIsSlowOnce)) {
            var sendAll = EmailTasks.sendMessages().withTimeout(Duration.ofMillis(1_000)).withRetries(1, Duration.ZERO);
            List<EmailSendResult> results = Flow.of("batch", () -> sendAll.run(plain(server.port()), messages)).run();

            assertThat(results).extracting(EmailSendResult::status).containsExactly(EmailSendResult.Status.SENT,
                    EmailSendResult.Status.UNCONFIRMED, EmailSendResult.Status.SENT);
            assertThat(results.get(0).messageId()).isNotNull();
            assertThat(results.get(1).error()).contains("may have been delivered");
            Thread.sleep(2_000); // until the cut-off attempt has the server's answer: it sends nothing more either
            assertThat(server.received()).extracting(r -> r.recipients().get(0))
                    .containsExactlyInAnyOrder("a@example.com", "b@example.com", "c@example.com");
        }
    }

    @Test
    void aFailureAlertReachesTheRecipientsTheServerTakesWhenItRefusesOneOfThem() throws Exception {
        SubethaServer.Faults oneLeft = new SubethaServer.Faults() {
            @Override
            public boolean refuseRecipient(String recipient) {
                return recipient.equals("left-the-company@example.com");
            }
        };
        try (SubethaServer server = SubethaServer.plain(oneLeft)) {
            EmailNotifier notifier = EmailNotifier.of(plain(server.port()),
                    List.of("oncall@example.com", "left-the-company@example.com", "lead@example.com"))
                    .withFrom("sluice@example.com");
            FlowRun<Integer> run = failingEtl().onFailure(Notify.via(notifier)).runForState("2026-11-20");

            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(server.received()).as("one message, to the recipients the server took, sent once").hasSize(1);
            assertThat(server.received().get(0).recipients()).containsExactly("oncall@example.com", "lead@example.com");
            assertThat(slept).as("a refusal is not retried").isEmpty();
            assertThat(run.logs()).anySatisfy(line -> assertThat(line.error())
                    .contains("refused recipients [left-the-company@example.com]")
                    .contains("delivered to the other recipients"));

            EmailException e = catchThrowableOfType(EmailException.class,
                    () -> notifier.send(Notification.of("disk full", "on db-1", Severity.ERROR)));
            assertThat(e.kind()).isEqualTo(EmailException.Kind.REJECTED);
            assertThat(e.isRetryable()).isFalse();
            assertThat(server.received()).hasSize(2);
        }
    }

    @Test
    void aLoginTheServerRefusesForNowIsRetriedAndOneItRefusesForGoodIsNot() throws Exception {
        Notification alert = Notification.of("disk full", "on db-1", Severity.ERROR);
        try (AuthRefusingSmtpServer server = new AuthRefusingSmtpServer("454 4.7.0 Too many login attempts, please try again later")) {
            EmailNotifier notifier = EmailNotifier.of(EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "alerts@example.com",
                    dev.sluice.block.Secret.of("not-a-real-pw-42")).withPort(server.port()), ONCALL);
            EmailException e = catchThrowableOfType(EmailException.class, () -> notifier.send(alert));

            assertThat(e.kind()).isEqualTo(EmailException.Kind.AUTHENTICATION);
            assertThat(e.isRetryable()).as("a 4xx is the server's 'not now'").isTrue();
            assertThat(e).hasMessageContaining("454").hasMessageContaining("temporar");
            assertThat(server.logins()).isEqualTo(3);
            assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
        slept.clear();
        try (AuthRefusingSmtpServer server = new AuthRefusingSmtpServer("535 5.7.8 Authentication credentials invalid")) {
            EmailNotifier notifier = EmailNotifier.of(EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "alerts@example.com",
                    dev.sluice.block.Secret.of("not-a-real-pw-42")).withPort(server.port()), ONCALL);
            EmailException e = catchThrowableOfType(EmailException.class, () -> notifier.send(alert));

            assertThat(e.kind()).isEqualTo(EmailException.Kind.AUTHENTICATION);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e).hasMessageContaining("check the username and password");
            assertThat(server.logins()).isEqualTo(1);
            assertThat(slept).isEmpty();
        }
    }
}
