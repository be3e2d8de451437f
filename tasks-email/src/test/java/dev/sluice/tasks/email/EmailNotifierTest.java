package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.SluiceException;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailNotifierTest {
    private final EmailServerCredentials smtp =
            EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL, "alerts@example.com", Secret.of("pw-123456"));

    @Test
    void buildsTheMessageFromTheNotification() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("flow", "daily-etl");
        fields.put("state", "FAILED");
        EmailMessage message = EmailNotifier.of(smtp, List.of("oncall@example.com"))
                .message(new Notification("Flow 'daily-etl' failed\r\nBcc: x@example.com", "load failed", Severity.ERROR, fields));

        assertThat(message.subject()).isEqualTo("[sluice] Flow 'daily-etl' failed Bcc: x@example.com");
        assertThat(message.to()).containsExactly("oncall@example.com");
        assertThat(message.bcc()).isEmpty();
        assertThat(message.text()).isEqualTo("load failed\n\nflow: daily-etl\nstate: FAILED\n");
        assertThat(message.headers()).containsEntry("X-Sluice-Severity", "ERROR").containsEntry("X-Priority", "1");
    }

    @Test
    void aSubjectThatStartsWithThePrefixGetsItOnce() {
        Notification fromNotify = new Notification("[Sluice] flow 'nightly' FAILED (run 'nightly-1')", "x", Severity.ERROR,
                Map.of());
        assertThat(EmailNotifier.of(smtp, List.of("oncall@example.com")).message(fromNotify).subject())
                .isEqualTo("[Sluice] flow 'nightly' FAILED (run 'nightly-1')");
        assertThat(EmailNotifier.of(smtp, List.of("oncall@example.com")).withSubjectPrefix("[etl] ").message(fromNotify)
                .subject()).isEqualTo("[etl] [Sluice] flow 'nightly' FAILED (run 'nightly-1')");
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> EmailNotifier.of(smtp, List.of()))
                .hasMessageContaining("at least one recipient");
        assertThatThrownBy(() -> EmailNotifier.of(smtp, List.of("not an address")))
                .hasMessageContaining("to address 'not an address' is not a valid email address");
        assertThatThrownBy(() -> EmailNotifier.of(smtp, List.of("a@example.com")).withSubjectPrefix("[x]\r\n"))
                .hasMessageContaining("subjectPrefix must not contain line breaks");
        assertThatThrownBy(() -> new EmailNotifier(null, List.of("a@example.com"), null, "", null))
                .hasMessageContaining("needs credentials");
    }

    @Test
    void jsonNamesTheCredentialsBlockAndShowsNoSecret() throws Exception {
        ObjectMapper json = new ObjectMapper();
        EmailNotifier byName = EmailNotifier.of("ops-smtp", List.of("oncall@example.com")).withFrom("sluice@example.com");
        assertThat(byName.credentialsBlock()).isEqualTo(BlockRef.to(EmailServerCredentials.class, "ops-smtp"));
        assertThat(json.writeValueAsString(byName)).contains("\"credentialsBlock\":\"email-server-credentials/ops-smtp\"");
        assertThat(byName.blockType()).isEqualTo("email-notifier");

        String direct = json.writeValueAsString(EmailNotifier.of(smtp, List.of("oncall@example.com")));
        assertThat(direct).doesNotContain("pw-123456").contains("**********");
        assertThat(EmailNotifier.of(smtp, List.of("oncall@example.com")).toString()).doesNotContain("pw-123456");
    }

    @Test
    void aSavedNotifierKeepsItsReferenceAndLoadsTheCredentialsWhenItSends() {
        try (SluiceRuntime runtime = SluiceRuntime.builder().blockStore(BlockStore.inMemory()).build()) {
            EmailNotifier byName = EmailNotifier.of("ops-smtp", List.of("oncall@example.com"));
            runtime.run(() -> {
                Blocks.save("ops-email", byName);
                Blocks.save("ops-smtp", smtp);
            });

            EmailNotifier loaded = runtime.call(() -> Blocks.load(EmailNotifier.class, "ops-email"));

            assertThat(loaded).isEqualTo(byName);
            assertThat(runtime.call(() -> loaded.credentialsBlock().load())).isEqualTo(smtp);
        }
    }

    @Test
    void aBadCredentialsBlockNameIsRefused() {
        assertThatThrownBy(() -> EmailNotifier.of("", List.of("oncall@example.com")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void credentialsByNameNeedTheBlockStore() {
        EmailNotifier byName = EmailNotifier.of("ops-smtp", List.of("oncall@example.com"));
        assertThatThrownBy(() -> byName.send(Notification.of("s", "b", Severity.ERROR)))
                .isInstanceOf(SluiceException.class)
                .hasMessageContaining("ops-smtp");
    }

    @Test
    void aNotifierWithoutASenderSaysToGiveItOneWithWithFrom() {
        EmailNotifier relay = EmailNotifier.of(EmailServerCredentials.of("relay.example.com", EmailSecurity.NONE),
                List.of("oncall@example.com"));

        // fails before connecting: nothing listens at relay.example.com
        assertThatThrownBy(() -> relay.send(Notification.of("s", "b", Severity.ERROR)))
                .isInstanceOfSatisfying(EmailException.class, e -> {
                    assertThat(e.kind()).isEqualTo(EmailException.Kind.INVALID_MESSAGE);
                    assertThat(e.isRetryable()).isFalse();
                })
                .hasMessageContaining("withFrom(").hasMessageContaining("relay.example.com:25")
                .hasMessageNotContaining("on the message");
    }
}
