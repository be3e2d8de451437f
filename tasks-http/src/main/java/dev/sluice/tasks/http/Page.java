package dev.sluice.tasks.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One fetched page, as a {@link Pagination} strategy sees it to decide on the next request.
 * Only the page being decided on is held; earlier pages are gone.
 */
public final class Page {
    private final int index;
    private final PageRequest request;
    private final URI uri;
    private final int status;
    private final Map<String, List<String>> headers;
    private final JsonNode body;
    private final List<JsonNode> records;

    /** A page; made by the extract (public for custom strategies' tests). */
    public Page(int index, PageRequest request, URI uri, int status, Map<String, List<String>> headers,
            JsonNode body, List<JsonNode> records) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        this.index = index;
        this.request = Objects.requireNonNull(request, "request");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.status = status;
        this.headers = Objects.requireNonNull(headers, "headers");
        this.body = Objects.requireNonNull(body, "body");
        this.records = List.copyOf(records);
    }

    /** 0 for the first page, then 1, 2, ... */
    public int index() {
        return index;
    }

    /** The request that fetched this page. */
    public PageRequest request() {
        return request;
    }

    /** The URL the page finally came from (after redirects): what relative next links resolve against. */
    public URI uri() {
        return uri;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The first value of response header {@code name} (case-insensitive). */
    public Optional<String> header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** Every value of response header {@code name} (case-insensitive), in order. */
    public List<String> headers(String name) {
        Objects.requireNonNull(name, "name");
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return List.of();
    }

    /** The parsed JSON body. */
    public JsonNode body() {
        return body;
    }

    /** The records the pointer selected on this page. */
    public List<JsonNode> records() {
        return records;
    }

    @Override
    public String toString() {
        return "page " + index + " (" + request + ", status " + status + ", " + records.size() + " records)";
    }
}
