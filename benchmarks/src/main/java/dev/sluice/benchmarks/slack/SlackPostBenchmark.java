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
import dev.sluice.block.Secret;
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
 * through the bare SDK call ({@code MethodsClient.chatPostMessage}) in the same JVM, interleaved message
 * by message, and prints the time per round of each and the overhead ratio (task / SDK) per round.
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
            for (int i = 0; i < messages; i++) {
                sdkPost(sdk, i);
                taskPost(task, credentials, i);
            }

            // Each round posts `messages` messages each way, interleaved one by one (alternating which
            // goes first), so the load of a shared machine hits both paths alike; each post is timed alone.
            List<Long> sdkNanos = new ArrayList<>();
            List<Long> taskNanos = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long sdkTotal = 0;
                long taskTotal = 0;
                for (int i = 0; i < messages; i++) {
                    if ((i + r) % 2 == 0) {
                        sdkTotal += sdkPost(sdk, i);
                        taskTotal += taskPost(task, credentials, i);
                    } else {
                        taskTotal += taskPost(task, credentials, i);
                        sdkTotal += sdkPost(sdk, i);
                    }
                }
                sdkNanos.add(sdkTotal);
                taskNanos.add(taskTotal);
                ratios.add((double) taskTotal / sdkTotal);
            }
            System.out.printf(Locale.ROOT, "%-34s %10s %14s %16s%n", "path (" + messages + " messages x " + rounds + " rounds)",
                    "median ms", "per message µs", "min..max ms");
            print("bare SDK chatPostMessage", sdkNanos, messages);
            print("SlackTasks.sendChatMessage().run", taskNanos, messages);
            List<Double> sorted = new ArrayList<>(ratios);
            Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "overhead ratio task/SDK per round: median %.3f, min %.3f, max %.3f%n",
                    sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
        } finally {
            slack.stop();
        }
    }

    private static long sdkPost(MethodsClient sdk, int i) throws Exception {
        long start = System.nanoTime();
        ChatPostMessageResponse response = sdk.chatPostMessage(ChatPostMessageRequest.builder()
                .channel("#bench").text("message " + i).unfurlMedia(true).build());
        long took = System.nanoTime() - start;
        if (!response.isOk()) {
            throw new IllegalStateException("SDK post failed: " + response.getError());
        }
        return took;
    }

    private static long taskPost(Task2<SlackCredentials, SlackMessage, PostedMessage> task, SlackCredentials credentials, int i) {
        long start = System.nanoTime();
        PostedMessage posted = task.run(credentials, SlackMessage.of("#bench", "message " + i));
        long took = System.nanoTime() - start;
        if (posted == null) {
            throw new IllegalStateException("task returned nothing");
        }
        return took;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void print(String name, List<Long> nanos, int messages) {
        long median = median(nanos);
        System.out.printf(Locale.ROOT, "%-34s %10.1f %14.1f %7.1f..%.1f%n", name, median / 1e6, median / 1e3 / messages,
                Collections.min(nanos) / 1e6, Collections.max(nanos) / 1e6);
    }
}
