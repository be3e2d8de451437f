package dev.sluice.benchmarks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.sluice.Secret;
import dev.sluice.Task2;
import dev.sluice.tasks.slack.PostedMessage;
import dev.sluice.tasks.slack.SlackCredentials;
import dev.sluice.tasks.slack.SlackMessage;
import dev.sluice.tasks.slack.SlackTasks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Posts 500 messages to a local WireMock "Slack" through {@code SlackTasks.sendChatMessage()} and
 * through the bare SDK call ({@code MethodsClient.chatPostMessage}), alternating rounds in the
 * same JVM, and prints the median and best time per round and the overhead ratio (task / SDK) of each.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.slack.SlackPostBenchmark [rounds] [messages]}
 */
public final class SlackPostBenchmark {
    private static final String TOKEN = "xoxb-0000000000-0000000000-BenchmarkToken";
    private static final String POSTED = "{\"ok\": true, \"channel\": \"C123ABC456\", \"ts\": \"1503435956.000247\","
            + " \"message\": {\"text\": \"Here's a message for you\", \"type\": \"message\", \"subtype\": \"bot_message\","
            + " \"bot_id\": \"B123ABC456\", \"ts\": \"1503435956.000247\"}}";

    private SlackPostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        WireMockServer slack = new WireMockServer(WireMockConfiguration.options()
                .dynamicPort().bindAddress("127.0.0.1").disableRequestJournal());
        slack.start();
        try {
            slack.stubFor(post("/api/chat.postMessage").willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json; charset=utf-8").withBody(POSTED)));
            String apiUrl = slack.baseUrl() + "/api/";

            SlackConfig config = new SlackConfig();
            config.setStatsEnabled(false); // as the task configures it: no auth.test call, no metrics
            config.setMethodsEndpointUrlPrefix(apiUrl);
            MethodsClient sdk = Slack.getInstance(config).methods(TOKEN);

            SlackCredentials credentials = SlackCredentials.of(Secret.of(TOKEN)).withApiUrl(apiUrl);
            Task2<SlackCredentials, SlackMessage, PostedMessage> task = SlackTasks.sendChatMessage();

            // warm-up: JIT, connection pools, WireMock
            runSdk(sdk, messages);
            runTask(task, credentials, messages);

            List<Long> sdkNanos = new ArrayList<>();
            List<Long> taskNanos = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                // alternate which goes first, so drift in machine load hits both alike
                if (r % 2 == 0) {
                    sdkNanos.add(runSdk(sdk, messages));
                    taskNanos.add(runTask(task, credentials, messages));
                } else {
                    taskNanos.add(runTask(task, credentials, messages));
                    sdkNanos.add(runSdk(sdk, messages));
                }
            }
            long sdkMedian = median(sdkNanos);
            long taskMedian = median(taskNanos);
            System.out.printf(Locale.ROOT, "%-34s %10s %14s %14s%n", "path (" + messages + " messages, " + rounds + " rounds)",
                    "median ms", "per message µs", "min..max ms");
            print("bare SDK chatPostMessage", sdkNanos, sdkMedian, messages);
            print("SlackTasks.sendChatMessage().run", taskNanos, taskMedian, messages);
            System.out.printf(Locale.ROOT, "overhead ratio (task / SDK): %.3f on medians, %.3f on best rounds%n",
                    (double) taskMedian / sdkMedian, (double) Collections.min(taskNanos) / Collections.min(sdkNanos));
        } finally {
            slack.stop();
        }
    }

    private static long runSdk(MethodsClient sdk, int messages) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            ChatPostMessageResponse response = sdk.chatPostMessage(ChatPostMessageRequest.builder()
                    .channel("#bench").text("message " + i).unfurlMedia(true).build());
            if (!response.isOk()) {
                throw new IllegalStateException("SDK post failed: " + response.getError());
            }
        }
        return System.nanoTime() - start;
    }

    private static long runTask(Task2<SlackCredentials, SlackMessage, PostedMessage> task, SlackCredentials credentials,
            int messages) {
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            PostedMessage posted = task.run(credentials, SlackMessage.of("#bench", "message " + i));
            if (posted == null) {
                throw new IllegalStateException("task returned nothing");
            }
        }
        return System.nanoTime() - start;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void print(String name, List<Long> nanos, long median, int messages) {
        System.out.printf(Locale.ROOT, "%-34s %10.1f %14.1f %7.1f..%.1f%n", name, median / 1e6, median / 1e3 / messages,
                Collections.min(nanos) / 1e6, Collections.max(nanos) / 1e6);
    }
}
