package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.testkit.TestRuntimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The email blocks saved in the file store, loaded by slug, and a notifier that names its credentials block. */
class EmailBlocksIT {
    @TempDir
    Path home;
    private GreenMail greenMail;

    @BeforeEach
    void start() {
        greenMail = GreenMailServers.start();
        TestRuntimes.use(b -> b.blockStore(BlockStore.file(home, java.util.Map.of())));
    }

    @AfterEach
    void stop() {
        TestRuntimes.reset();
        greenMail.stop();
    }

    @Test
    void aNotifierLoadsItsCredentialsByNameAndTheFileHoldsNoPassword() throws Exception {
        Blocks.save("ops-smtp", GreenMailServers.smtp(greenMail));
        Blocks.save("ops-email", EmailNotifier.of("ops-smtp", List.of("oncall@example.com")));

        EmailNotifier notifier = (EmailNotifier) Blocks.load("email-notifier/ops-email");
        notifier.send(Notification.of("disk full", "on db-1", Severity.ERROR));

        assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).contains("disk full");
        assertThat(Blocks.load("email-server-credentials/ops-smtp")).isEqualTo(GreenMailServers.smtp(greenMail));
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).doesNotContain(GreenMailServers.PASSWORD);
            }
        }
    }
}
