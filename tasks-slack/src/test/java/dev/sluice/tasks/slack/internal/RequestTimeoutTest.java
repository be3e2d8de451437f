package dev.sluice.tasks.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.tasks.slack.SlackWebhook;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The request timeout's system property: seconds or ISO-8601, anything else refused naming it. */
class RequestTimeoutTest {
    @Test
    void readsSecondsAndIsoDurations() {
        assertThat(SlackClients.requestTimeout(null)).isEqualTo(SlackWebhook.DEFAULT_REQUEST_TIMEOUT);
        assertThat(SlackClients.requestTimeout(" ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(SlackClients.requestTimeout("2.5")).isEqualTo(Duration.ofMillis(2_500));
        assertThat(SlackClients.requestTimeout("PT20S")).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void refusesNonsenseNamingTheProperty() {
        for (String bad : new String[] {"soon", "0", "-1", "P2D"}) {
            assertThatThrownBy(() -> SlackClients.requestTimeout(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(SlackWebhook.REQUEST_TIMEOUT_PROPERTY).hasMessageContaining(bad);
        }
    }
}
