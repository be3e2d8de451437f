/**
 * Slack for Sluice: the {@link dev.sluice.tasks.slack.SlackCredentials} and
 * {@link dev.sluice.tasks.slack.SlackWebhook} blocks, the prebuilt tasks in
 * {@link dev.sluice.tasks.slack.SlackTasks}, and a {@link dev.sluice.Notifier} that posts
 * notifications to a Slack channel.
 *
 * <pre>{@code
 * SlackCredentials bot = SlackCredentials.of(Secret.of(System.getenv("SLACK_BOT_TOKEN")));
 * PostedMessage posted = SlackTasks.sendChatMessage().run(bot, SlackMessage.of("#ops", "Load finished"));
 *
 * SlackWebhook alerts = SlackWebhook.of(Secret.of(System.getenv("SLACK_WEBHOOK_URL")));
 * flow.onFailure(run -> alerts.send(Notification.of("flow failed", run.name(), Severity.ERROR)));
 * }</pre>
 */
@NullMarked
package dev.sluice.tasks.slack;

import org.jspecify.annotations.NullMarked;
