package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import jakarta.mail.internet.MimeMessage;
import dev.sluice.testkit.TestRuntimes;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EmailNotifier} delivering to GreenMail. */
class EmailNotifierIT {
    private static GreenMail greenMail;
    private final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        greenMail = GreenMailServers.start();
    }

    @AfterAll
    static void stop() {
        greenMail.stop();
    }

    @BeforeEach
    void recordWaits() {
        TestRuntimes.use(b -> b.sleeper(slept::add));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Test
    void emailsANotification() throws Exception {
        Notifier notifier = EmailNotifier.of(GreenMailServers.smtps(greenMail), List.of("oncall@example.com", "lead@example.com"))
                .withSubjectPrefix("[etl] ");

        notifier.send(new Notification("Flow 'daily-etl' failed", "task 'load' failed: connection refused",
                Severity.CRITICAL, Map.of("flow run", "brave-otter")));

        assertThat(greenMail.waitForIncomingEmail(10_000, 2)).isTrue();
        MimeMessage m = greenMail.getReceivedMessages()[0];
        assertThat(m.getSubject()).isEqualTo("[etl] Flow 'daily-etl' failed");
        assertThat(m.getFrom()[0].toString()).isEqualTo(GreenMailServers.USER);
        assertThat((String) m.getContent()).contains("task 'load' failed: connection refused").contains("flow run: brave-otter");
        assertThat(m.getHeader("X-Sluice-Severity")).containsExactly("CRITICAL");
    }

    @Test
    void failingToSendIsAnEmailException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Notifier notifier = EmailNotifier.of(GreenMailServers.smtp(greenMail).withPort(port), List.of("oncall@example.com"));
        assertThatThrownBy(() -> notifier.send(Notification.of("s", "b", Severity.ERROR)))
                .isInstanceOf(EmailException.class)
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(slept).as("retried twice on its own").hasSize(2);
    }
}
