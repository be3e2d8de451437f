package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.State;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.sluice.block.BlockStore;
import dev.sluice.testkit.TestRuntimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server that trickles its reply one byte at a time (each read gets a byte in time) holds no send
 * past its bound: the read timeout bounds each whole reply, and a task's {@code withTimeout} ends
 * the attempt's connection at the deadline.
 */
class EmailTricklingServerIT {
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void runtime() {
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()).sleeper(slept::add));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    private static final EmailMessage MESSAGE = EmailMessage.builder().from("me@example.com").to("you@example.com")
            .subject("slow").text("t").build();

    private static EmailServerCredentials plain(TricklingSmtpServer server, Duration readTimeout) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE).withPort(server.port())
                .withTimeouts(Duration.ofSeconds(2), readTimeout);
    }

    @Test
    void aReplyTrickledByteByByteFailsTheTaskAfterTheReadTimeout() throws Exception {
        try (TricklingSmtpServer server = new TricklingSmtpServer(100)) {
            long start = System.nanoTime();
            var failed = assertTimeoutPreemptively(Duration.ofSeconds(8), () -> EmailSendIT.catchTaskFailure(() ->
                    EmailTasks.sendMessage().withRetries(0, Duration.ZERO).run(plain(server, Duration.ofSeconds(1)), MESSAGE)));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(tookMillis).as("one reply may take the read timeout, 1 s, in all").isLessThan(4_000);
            assertThat(failed.getCause()).isInstanceOfSatisfying(EmailException.class, e ->
                    assertThat(e.kind()).isEqualTo(EmailException.Kind.CONNECTION))
                    .hasMessageContaining("read timeout");
            assertThat(server.clientClosedWithin(2_000)).isTrue();
        }
    }

    @Test
    void aNotifierFacingATricklingServerFailsAfterTheReadTimeout() throws Exception {
        try (TricklingSmtpServer server = new TricklingSmtpServer(100)) {
            EmailNotifier notifier = EmailNotifier.of(plain(server, Duration.ofSeconds(1)), List.of("oncall@example.com"))
                    .withFrom("sluice@example.com");
            long start = System.nanoTime();
            Throwable e = assertTimeoutPreemptively(Duration.ofSeconds(8), () -> {
                try {
                    notifier.send(Notification.of("disk full", "on db-1", Severity.ERROR));
                    return null;
                } catch (EmailException thrown) {
                    return thrown;
                }
            });
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e).isInstanceOf(EmailException.class).hasMessageContaining("read timeout");
            // three attempts (a connection failure is retried twice; the waits are recorded, not slept), each 1 s
            assertThat(slept).hasSize(2);
            assertThat(tookMillis).isLessThan(6_000);
            assertThat(server.clientClosedWithin(2_000)).isTrue();
        }
    }

    @Test
    void aTaskTimeoutClosesTheConnectionAtTheDeadline() throws Exception {
        try (TricklingSmtpServer server = new TricklingSmtpServer(100)) {
            var send = EmailTasks.sendMessage().withTimeout(Duration.ofMillis(800)).withRetries(0, Duration.ZERO);
            FlowRun<String> run = assertTimeoutPreemptively(Duration.ofSeconds(8), () ->
                    Flow.of("report", () -> send.run(plain(server, Duration.ofSeconds(60)), MESSAGE)).runForState());

            assertThat(run.taskRuns().get(0).state()).isEqualTo(State.TIMED_OUT);
            assertThat(server.clientClosedWithin(2_000)).as("the attempt's connection ends with it").isTrue();
        }
    }
}
