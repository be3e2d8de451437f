package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.block.Secret;
import dev.sluice.Task;
import dev.sluice.tasks.slack.SlackWebhook;
import java.time.Duration;

/**
 * A flow that reports its failure to a Slack channel through an incoming webhook. With
 * {@code SLACK_WEBHOOK_URL} set it posts for real; without it, it prints what it would send.
 * Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.SlackExample}.
 */
public final class SlackExample {
    private SlackExample() {
    }

    public static void main(String[] args) {
        // slack-start
        String url = System.getenv("SLACK_WEBHOOK_URL");
        Notifier alerts = url == null || url.isBlank()
                ? SlackExample::printInstead                      // no webhook: show what would be posted
                : SlackWebhook.of(Secret.of(url));                // or Blocks.load(SlackWebhook.class, "ops-alerts")

        Task<String, Integer> load = Task.of("load-orders", SlackExample::loadOrders)
                .withRetries(1, Duration.ofMillis(200));

        Flow<String, Integer> etl = Flow.of("daily-etl", (String day) -> load.run(day))
                .withParameterNames("day")
                .onFailure(Notify.via(alerts));                   // flow, run, failed task, error; secrets masked

        FlowRun<Integer> run = etl.runForState("2026-11-20");
        // slack-end
        System.out.printf("%nflow run '%s' ended %s%n", run.name(), run.state());
    }

    /** Stands in for a real load; fails, so the flow fails and reports it. */
    static int loadOrders(String day) {
        throw new IllegalStateException("orders table is locked for " + day);
    }

    private static void printInstead(Notification n) {
        System.out.println("SLACK_WEBHOOK_URL is not set; a SlackWebhook would post:");
        System.out.println("  [" + n.severity() + "] " + n.subject());
        n.body().lines().forEach(line -> System.out.println("  " + line));
        n.fields().forEach((k, v) -> System.out.println("  " + k + ": " + v));
    }
}
