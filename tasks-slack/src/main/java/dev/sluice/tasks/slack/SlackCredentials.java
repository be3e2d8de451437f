package dev.sluice.tasks.slack;

import com.slack.api.methods.MethodsClient;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import dev.sluice.tasks.slack.internal.SlackClients;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Slack app's bot token, and where Slack's Web API is: the block {@link SlackTasks#sendChatMessage()}
 * posts with. Save it once ({@code Blocks.save("ops-slack", creds)}) and load it by name.
 *
 * <pre>{@code
 * SlackCredentials bot = SlackCredentials.of(Secret.of("xoxb-..."));
 * SlackCredentials gov = bot.withApiUrl("https://slack-gov.com/api/");
 * }</pre>
 *
 * @param token  the bot token ({@code xoxb-...}), with the {@code chat:write} scope for posting
 * @param apiUrl the Web API's base URL ending in {@code /api/}, or {@code null} for
 *               {@code https://slack.com/api/}; set it for GovSlack or a test server
 */
@BlockType("slack-credentials")
public record SlackCredentials(Secret token, @Nullable String apiUrl) implements Block {
    /** Validates the fields; the API URL must be an absolute http(s) URL. */
    public SlackCredentials {
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        if (apiUrl != null) {
            apiUrl = SlackClients.normalizeApiUrl(apiUrl);
        }
    }

    /** Credentials for {@code https://slack.com/api/}. */
    public static SlackCredentials of(Secret token) {
        return new SlackCredentials(token, null);
    }

    /** A copy talking to the Web API at {@code apiUrl} (a trailing {@code /} is added if missing). */
    public SlackCredentials withApiUrl(String apiUrl) {
        Objects.requireNonNull(apiUrl, "apiUrl");
        return new SlackCredentials(token, apiUrl);
    }

    /**
     * The Slack SDK's Web API client with this token and API URL, for every method Sluice does not
     * wrap ({@code chat.update}, {@code files.uploadV2}, ...). Clients share one HTTP connection
     * pool per API URL and {@link dev.sluice.SluiceRuntime runtime}: the current one, which closes it
     * when it is closed. Its calls are not retried and its exceptions are the SDK's own.
     */
    public MethodsClient client() {
        return SlackClients.methods(this);
    }
}
