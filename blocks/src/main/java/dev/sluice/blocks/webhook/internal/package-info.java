/** Implementation of the webhook notifiers; not API. */
@NullMarked
package dev.sluice.blocks.webhook.internal;

import org.jspecify.annotations.NullMarked;
