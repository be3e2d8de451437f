package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;

/** A WireMock server on a free port with answers shaped like the ones Slack documents. */
final class SlackApiStubs {
    static final String TOKEN = "xoxb-1234567890-0987654321-TestTokenValue";
    static final String WEBHOOK_PATH = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";

    /** chat.postMessage's documented success answer. */
    static final String POSTED = """
            {"ok": true, "channel": "C123ABC456", "ts": "1503435956.000247",
             "message": {"text": "Here's a message for you", "username": "ecto1", "bot_id": "B123ABC456",
                         "type": "message", "subtype": "bot_message", "ts": "1503435956.000247"}}""";

    private SlackApiStubs() {
    }

    static WireMockServer start() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return server;
    }

    static ResponseDefinitionBuilder slackJson(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8").withBody(body);
    }

    static ResponseDefinitionBuilder okFalse(String error) {
        return slackJson(200, "{\"ok\": false, \"error\": \"" + error + "\"}");
    }

    static ResponseDefinitionBuilder rateLimited(int retryAfterSeconds) {
        return slackJson(429, "{\"ok\": false, \"error\": \"ratelimited\"}").withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    static SlackCredentials credentials(WireMockServer server) {
        return SlackCredentials.of(dev.sluice.block.Secret.of(TOKEN)).withApiUrl(server.baseUrl() + "/api/");
    }

    static SlackWebhook webhook(WireMockServer server) {
        return SlackWebhook.of(dev.sluice.block.Secret.of(server.baseUrl() + WEBHOOK_PATH));
    }

    /** A port nothing listens on (just freed). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Messages, toString and stack traces of {@code t} and its causes: what a log would show. */
    static String everything(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
