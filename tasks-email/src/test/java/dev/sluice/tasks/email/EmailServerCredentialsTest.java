package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.block.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmailServerCredentialsTest {

    @Test
    void portDefaultsFromSecurity() {
        assertThat(EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL).port()).isEqualTo(465);
        assertThat(EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS).port()).isEqualTo(587);
        assertThat(EmailServerCredentials.of("smtp.example.com", EmailSecurity.NONE).port()).isEqualTo(25);
        assertThat(EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL).withPort(2465).port()).isEqualTo(2465);
    }

    @Test
    void verifiesTlsByDefault() {
        EmailServerCredentials c = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS, "me", Secret.of("pw"));
        assertThat(c.trustAll()).isFalse();
        assertThat(c.withTrustAll(true).trustAll()).isTrue();
        assertThat(c.blockType()).isEqualTo("email-server-credentials");
    }

    @Test
    void neverShowsThePassword() {
        EmailServerCredentials c = EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL, "me", Secret.of("hunter2"));
        assertThat(c.toString()).doesNotContain("hunter2").contains("**********").contains("smtp.example.com");
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> EmailServerCredentials.of("smtp.example.com\r\n", EmailSecurity.SSL))
                .hasMessageContaining("host must be a host name");
        assertThatThrownBy(() -> EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL).withPort(70000))
                .hasMessageContaining("port must be between 1 and 65535");
        assertThatThrownBy(() -> EmailServerCredentials.of("smtp.example.com", EmailSecurity.SSL, "me\nyou", Secret.of("x")))
                .hasMessageContaining("username must not contain line breaks");
        assertThatThrownBy(() -> new EmailServerCredentials("h", 0, EmailSecurity.SSL, null, Secret.of("x"), false, 0, 0))
                .hasMessageContaining("password given without a username");
        assertThatThrownBy(() -> EmailServerCredentials.of("h", EmailSecurity.SSL).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connectTimeout must be at least 1 ms");
        assertThatThrownBy(() -> new EmailServerCredentials("h", 0, EmailSecurity.SSL, null, null, false, -5, 0))
                .hasMessageContaining("connectTimeoutMillis must be between 1 and");
    }

    @Test
    void timeoutsDefaultAndConvert() {
        EmailServerCredentials c = EmailServerCredentials.of("h", EmailSecurity.SSL);
        assertThat(c.connectTimeout()).isEqualTo(EmailServerCredentials.DEFAULT_CONNECT_TIMEOUT);
        assertThat(c.readTimeout()).isEqualTo(EmailServerCredentials.DEFAULT_READ_TIMEOUT);
        EmailServerCredentials tuned = c.withTimeouts(Duration.ofMillis(1500), Duration.ofSeconds(20));
        assertThat(tuned.connectTimeoutMillis()).isEqualTo(1500);
        assertThat(tuned.readTimeout()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void plainJsonShowsNoPassword() throws Exception {
        // what a run record or a log would show: every field, the secret masked
        String json = new ObjectMapper().writeValueAsString(
                EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS, "me", Secret.of("hunter2")));
        assertThat(json).contains("\"host\":\"smtp.example.com\"", "\"port\":587", "\"security\":\"STARTTLS\"",
                "\"password\":\"**********\"", "\"connectTimeoutMillis\":30000").doesNotContain("hunter2");
    }

    @Test
    void madeFromTextAsBlockSchemasJavadocShowsSecurityGivenPortLeftOut() {
        dev.sluice.block.Block smtp = dev.sluice.block.BlockSchema.of(EmailServerCredentials.class).fromText(java.util.Map.of(
                "host", "smtp.example.com", "security", "STARTTLS", "username", "ops", "password", "typed-fake-password"));
        assertThat(smtp).isEqualTo(EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS, "ops",
                Secret.of("typed-fake-password")));
        assertThat(((EmailServerCredentials) smtp).port()).isEqualTo(587);
    }
}
