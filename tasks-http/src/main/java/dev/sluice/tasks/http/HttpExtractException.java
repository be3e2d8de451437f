package dev.sluice.tasks.http;

import dev.sluice.RetryAfter;
import dev.sluice.SluiceException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP extract or download failed: a status the server answered with, a connection failure
 * after the retries, or a page that was not what the extract expects (not JSON, nothing at the
 * records pointer, too big, a looping cursor). The message names the page and the URL with secrets
 * masked; it never contains a secret.
 *
 * <p>A failure the extract retries ({@link #isRetryable()}: a connection failure, a timeout, 429
 * or 5xx) carries the server's {@code Retry-After} as a {@link RetryAfter.Hint}, so a task that
 * retries around the extract waits what the server asked as well:
 *
 * <pre>{@code
 * Task0<Integer> loadAll = Task.of("load", () -> load(extract.list()))
 *         .withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(10))
 *                 .retryIf(e -> e instanceof HttpExtractException h && h.isRetryable()));
 * }</pre>
 */
public class HttpExtractException extends SluiceException implements RetryAfter.Hint {
    private static final long serialVersionUID = 2L;

    private final int status;
    private final String url;
    private final boolean retryable;
    private final @Nullable Duration retryAfter;

    /**
     * A failure about {@code url} (already masked) that is not worth retrying.
     *
     * @param message what failed, with no secret in it
     * @param status the HTTP status, or 0 when there was no response
     * @param url the URL of the request, secrets masked
     * @param cause the underlying error, if any
     */
    public HttpExtractException(String message, int status, String url, @Nullable Throwable cause) {
        this(message, status, url, cause, false, null);
    }

    /**
     * A failure about {@code url} (already masked).
     *
     * @param message what failed, with no secret in it
     * @param status the HTTP status, or 0 when there was no response
     * @param url the URL of the request, secrets masked
     * @param cause the underlying error, if any
     * @param retryable whether another attempt may succeed (a connection failure, 429, 5xx)
     * @param retryAfter the wait the server asked for with {@code Retry-After}, if it did
     */
    public HttpExtractException(String message, int status, String url, @Nullable Throwable cause, boolean retryable,
            @Nullable Duration retryAfter) {
        super(message, cause);
        this.status = status;
        this.url = Objects.requireNonNull(url, "url");
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status the server answered with, if it answered. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The URL of the failed request, with secrets masked. */
    public String url() {
        return url;
    }

    /**
     * Whether another attempt may succeed: a connection failure, a timeout, a body cut short, 429 or
     * 5xx. These are what the extract's {@link HttpExtract#retryPolicy retry policy} retries; every
     * other failure (other 4xx, a body that is not JSON, ...) fails at once.
     */
    public boolean isRetryable() {
        return retryable;
    }

    /** How long the server asked to wait with {@code Retry-After} (429 or 5xx), if it did. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
