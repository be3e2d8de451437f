/**
 * HTTP extract tasks: auth blocks ({@link dev.sluice.tasks.http.BearerToken},
 * {@link dev.sluice.tasks.http.BasicAuth}, {@link dev.sluice.tasks.http.ApiKey},
 * {@link dev.sluice.tasks.http.OAuth2ClientCredentials}) and {@link dev.sluice.tasks.http.HttpExtract},
 * which pages through a JSON API with retries, {@code Retry-After}, a rate limit and bounded memory.
 */
@NullMarked
package dev.sluice.tasks.http;

import org.jspecify.annotations.NullMarked;
