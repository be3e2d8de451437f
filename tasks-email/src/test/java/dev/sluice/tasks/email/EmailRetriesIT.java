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
}
