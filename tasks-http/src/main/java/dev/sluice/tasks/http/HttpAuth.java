package dev.sluice.tasks.http;

import dev.sluice.block.Block;

/**
 * How an HTTP request authenticates: one of the auth blocks of this package. Auth is sent only to
 * the origin (scheme, host, port) of the configured URL, never across a redirect to another host.
 */
public sealed interface HttpAuth extends Block permits BearerToken, BasicAuth, ApiKey, OAuth2ClientCredentials {
}
