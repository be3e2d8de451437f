/**
 * Webhook notifiers: {@link dev.sluice.blocks.webhook.MicrosoftTeamsWebhook},
 * {@link dev.sluice.blocks.webhook.DiscordWebhook}, {@link dev.sluice.blocks.webhook.PagerDutyEvents}
 * and {@link dev.sluice.blocks.webhook.CustomWebhook}. Each is a {@link dev.sluice.block.Block} (save it
 * once, load it by name) and a {@link dev.sluice.notify.Notifier} (hand it to {@code Notify.via}).
 *
 * <pre>{@code
 * Blocks.save("ops-teams", new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com/workflows/...")));
 * flow = flow.onFailure(Notify.via(Blocks.load(MicrosoftTeamsWebhook.class, "ops-teams")));   // a copy with the hook: a flow never changes
 * }</pre>
 *
 * <p>All of them send with {@code java.net.http}, with the timeouts of their
 * {@link dev.sluice.blocks.webhook.WebhookOptions}, and retry a 429 or 5xx answer (and a network
 * failure) a bounded number of times, waiting what the service's {@code Retry-After} asks.
 */
@NullMarked
package dev.sluice.blocks.webhook;

import org.jspecify.annotations.NullMarked;
