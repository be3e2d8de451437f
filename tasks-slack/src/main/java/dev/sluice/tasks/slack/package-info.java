/**
 * Slack for Sluice: the {@link dev.sluice.tasks.slack.SlackCredentials} and
 * {@link dev.sluice.tasks.slack.SlackWebhook} blocks, the prebuilt tasks in
 * {@link dev.sluice.tasks.slack.SlackTasks}, and a {@link dev.sluice.notify.Notifier} that posts
 * notifications to a Slack channel.
 *
 * <pre>{@code
 * SlackCredentials bot = SlackCredentials.of(Secret.of(System.getenv("SLACK_BOT_TOKEN")));
 * PostedMessage posted = SlackTasks.sendChatMessage().run(bot, SlackMessage.of("#ops", "Load finished"));
 *
 * SlackWebhook alerts = Blocks.load(SlackWebhook.class, "ops-alerts");   // or Blocks.load("slack-webhook/ops-alerts")
 * flow = flow.onFailure(Notify.via(alerts));   // a copy with the hook: a flow never changes
 * }</pre>
 */
@NullMarked
package dev.sluice.tasks.slack;

import org.jspecify.annotations.NullMarked;
