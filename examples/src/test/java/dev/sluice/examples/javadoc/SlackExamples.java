package dev.sluice.examples.javadoc;

import dev.sluice.Flow;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.notify.Notify;
import dev.sluice.tasks.slack.PostedMessage;
import dev.sluice.tasks.slack.SlackCredentials;
import dev.sluice.tasks.slack.SlackMessage;
import dev.sluice.tasks.slack.SlackTasks;
import dev.sluice.tasks.slack.SlackWebhook;

/**
 * The code examples of sluice-tasks-slack's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line).
 */
@SuppressWarnings("unused")
final class SlackExamples {
    private SlackExamples() {
    }

    /** {@link SlackCredentials}'s class comment. */
    static SlackCredentials slackCredentials() {
        SlackCredentials bot = SlackCredentials.of(Secret.of("xoxb-..."));
        SlackCredentials gov = bot.withApiUrl("https://slack-gov.com/api/");
        return gov;
    }

    /** {@link SlackMessage}'s class comment. */
    static SlackMessage slackMessage(PostedMessage parent) {
        SlackMessage reply = SlackMessage.of("#ops", "Nightly load finished: 1,204 rows")
                .withBlocks("[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"*Nightly load* finished\"}}]")
                .inThread(parent.ts());
        return reply;
    }

    static int load(String city) {
        return city.length();
    }

    /** {@link SlackWebhook}'s class comment. */
    static Flow<String, Integer> slackWebhook() {
        SlackWebhook alerts = Blocks.load(SlackWebhook.class, "ops-alerts");   // or SlackWebhook.of(Secret.of(url))
        Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load(city))
                .onFailure(Notify.via(alerts));
        return etl;
    }

    /** {@link SlackWebhook}'s class comment, on notifying directly. */
    static void slackWebhookNotify() {
        Blocks.load(SlackWebhook.class, "ops-alerts").notify("Nightly load finished: 1,204 rows");
    }

    /** The package comment of {@code dev.sluice.tasks.slack}. */
    static void slackPackage(Flow<String, Integer> flow) {
        SlackCredentials bot = SlackCredentials.of(Secret.of(System.getenv("SLACK_BOT_TOKEN")));
        PostedMessage posted = SlackTasks.sendChatMessage().run(bot, SlackMessage.of("#ops", "Load finished"));

        SlackWebhook alerts = Blocks.load(SlackWebhook.class, "ops-alerts");   // or Blocks.load("slack-webhook/ops-alerts")
        flow = flow.onFailure(Notify.via(alerts));   // a copy with the hook: a flow never changes
    }
}
