package dev.sluice.tasks.email;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import dev.sluice.notify.Notifier;
import dev.sluice.testkit.NotifierContract;
import dev.sluice.testkit.TestRuntimes;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link EmailNotifier} against the shared notifier contract, delivering to GreenMail over SMTPS. */
class EmailNotifierContractIT extends NotifierContract {
    private static GreenMail greenMail;

    @BeforeAll
    static void start() {
        greenMail = GreenMailServers.start();
    }

    @AfterAll
    static void stop() {
        greenMail.stop();
    }

    /** The unreachable notifier retries on its own: record its waits instead of sleeping them. */
    @BeforeEach
    void noRealWaits() {
        TestRuntimes.use(b -> b.sleeper(d -> { }));
    }

    @AfterEach
    void reset() {
        TestRuntimes.reset();
    }

    @Override
    protected Notifier newNotifier() {
        return EmailNotifier.of(GreenMailServers.smtps(greenMail), List.of("oncall@example.com"));
    }

    @Override
    protected List<String> delivered() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(EmailNotifierContractIT::text).toList();
    }

    @Override
    protected @Nullable Notifier unreachableNotifier() {
        try (ServerSocket s = new ServerSocket(0)) {
            return EmailNotifier.of(GreenMailServers.smtp(greenMail).withPort(s.getLocalPort()), List.of("oncall@example.com"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected List<String> secretValues() {
        return List.of(GreenMailServers.PASSWORD);
    }

    private static String text(MimeMessage m) {
        try {
            return m.getSubject() + "\n" + m.getContent();
        } catch (Exception e) {
            return GreenMailUtil.getWholeMessage(m);
        }
    }
}
