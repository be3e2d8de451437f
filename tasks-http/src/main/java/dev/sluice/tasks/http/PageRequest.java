package dev.sluice.tasks.http;

import dev.sluice.tasks.http.internal.Urls;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The request for one page: its URL (query included) and, for a POST, its JSON body. Immutable;
 * {@link Pagination} strategies derive the next page's request with the {@code with} methods.
 * Auth is added when the request is sent and is never part of a {@code PageRequest}.
 */
public final class PageRequest {
    private final URI uri;
    private final @Nullable String body;

    private PageRequest(URI uri, @Nullable String body) {
        this.uri = uri;
        this.body = body;
    }

    /** A request for {@code uri} (absolute http or https) with an optional JSON body. */
    public static PageRequest of(URI uri, @Nullable String jsonBody) {
        Objects.requireNonNull(uri, "uri");
        return new PageRequest(Urls.parseHttpUrl("uri", uri.toString()), jsonBody);
    }

    /** The URL, query included. */
    public URI uri() {
        return uri;
    }

    /** The JSON body, if the request has one. */
    public Optional<String> body() {
        return Optional.ofNullable(body);
    }

    /** The first value of query parameter {@code name}, decoded. */
    public Optional<String> queryParameter(String name) {
        Objects.requireNonNull(name, "name");
        return Urls.queryParameter(uri, name);
    }

    /** A copy with query parameter {@code name} set to {@code value} (replaced if present, else appended). */
    public PageRequest withQueryParameter(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("query parameter name must not be empty");
        }
        return new PageRequest(Urls.withQueryParameter(uri, name, value), body);
    }

    /** A copy for another URL (a next link), resolved against this request's URL when relative. */
    public PageRequest withUri(URI next) {
        Objects.requireNonNull(next, "next");
        return new PageRequest(Urls.parseHttpUrl("next URL", uri.resolve(next).toString()), body);
    }

    /** A copy with another JSON body. */
    public PageRequest withBody(@Nullable String jsonBody) {
        return new PageRequest(uri, jsonBody);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageRequest other && uri.equals(other.uri) && Objects.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return uri.hashCode() * 31 + Objects.hashCode(body);
    }

    /** The URL with sensitive query values masked. */
    @Override
    public String toString() {
        return Urls.mask(uri) + (body == null ? "" : " (with body)");
    }
}
