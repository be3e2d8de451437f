package dev.sluice.tasks.http;

import dev.sluice.SluiceException;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP extract or download failed: a status the server answered with, a connection failure
 * after the retries, or a page that was not what the extract expects (not JSON, nothing at the
 * records pointer, too big, a looping cursor). The message names the page and the URL with secrets
 * masked; it never contains a secret.
 */
public class HttpExtractException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String url;

    /**
     * An exception about {@code url} (already masked).
     *
     * @param status the HTTP status, or 0 when there was no response
     */
    public HttpExtractException(String message, int status, String url, @Nullable Throwable cause) {
        super(message, cause);
        this.status = status;
        this.url = url;
    }

    /** The HTTP status the server answered with, if it answered. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The URL of the failed request, with secrets masked. */
    public String url() {
        return url;
    }
}
