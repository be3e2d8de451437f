package dev.sluice.tasks.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.slack.api.util.http.listener.DetailedLoggingListener;
import dev.sluice.block.Secret;
import dev.sluice.tasks.slack.SlackCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Places where a token or a webhook URL could leak from the Slack tasks. */
class SecretLeaksTest {
    /**
     * The SDK's DetailedLoggingListener (installed by every {@code new SlackConfig()}) logs each
     * request's URL at DEBUG; a webhook's URL is its credential, so no shared SDK instance has it.
     */
    @Test
    void noSdkInstanceLogsRequestUrls() {
        assertThat(SlackClients.slack(null).getConfig().getHttpClientResponseHandlers())
                .noneMatch(DetailedLoggingListener.class::isInstance);
        assertThat(SlackClients.slack("http://127.0.0.1:1/api/").getConfig().getHttpClientResponseHandlers())
                .noneMatch(DetailedLoggingListener.class::isInstance);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://bot:hunter2-pw@slack example.com/api/",
            "https://slack.example.com/api/?token=hunter2-pw x",
            "ftp://bot:hunter2-pw@slack.example.com/api/",
            "https://bot:hunter2-pw@/api/"})
    void aBadApiUrlIsNotQuotedWithItsCredentials(String apiUrl) {
        Throwable e = catchThrowable(() -> SlackCredentials.of(Secret.of("xoxb-1")).withApiUrl(apiUrl));
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiUrl must");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2-pw");
        }
    }
}
