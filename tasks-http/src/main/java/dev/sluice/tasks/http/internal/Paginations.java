package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.tasks.http.Page;
import dev.sluice.tasks.http.PageRequest;
import dev.sluice.tasks.http.Pagination;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The built-in pagination strategies. */
public final class Paginations {
    private Paginations() {
    }

    /** A strategy whose page {@code i}'s request is known without fetching page {@code i - 1}. */
    public interface Indexed extends Pagination {
        /** The request for page {@code index} (0 = first), made from {@code base}. */
        PageRequest at(PageRequest base, int index);

        /** Whether {@code page} is the last one. */
        boolean isLast(Page page);

        @Override
        default PageRequest first(PageRequest request) {
            return at(request, 0);
        }

        @Override
        default Optional<PageRequest> next(PageRequest previous, Page page) {
            return isLast(page) ? Optional.empty() : Optional.of(at(previous, page.index() + 1));
        }
    }

    public static final Pagination NONE = new Pagination() {
        @Override
        public PageRequest first(PageRequest request) {
            return request;
        }

        @Override
        public Optional<PageRequest> next(PageRequest previous, Page page) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /** Page numbers. */
    public static final class PageNumber implements Indexed {
        private final String pageParameter;
        private final int start;
        private final @Nullable String sizeParameter;
        private final int size;

        public PageNumber(String pageParameter, int start, @Nullable String sizeParameter, int size) {
            this.pageParameter = checkName("pageParameter", pageParameter);
            if (start < 0) {
                throw new IllegalArgumentException("start must be >= 0, was " + start);
            }
            this.start = start;
            if (sizeParameter != null) {
                checkName("sizeParameter", sizeParameter);
                if (size < 1) {
                    throw new IllegalArgumentException("size must be >= 1, was " + size);
                }
            }
            this.sizeParameter = sizeParameter;
            this.size = size;
        }

        @Override
        public PageRequest at(PageRequest base, int index) {
            PageRequest r = base.withQueryParameter(pageParameter, Integer.toString(start + index));
            return sizeParameter == null ? r : r.withQueryParameter(sizeParameter, Integer.toString(size));
        }

        @Override
        public boolean isLast(Page page) {
            int n = page.records().size();
            return n == 0 || (sizeParameter != null && n < size);
        }

        @Override
        public String toString() {
            return "page number (" + pageParameter + " from " + start
                    + (sizeParameter == null ? "" : ", " + sizeParameter + "=" + size) + ")";
        }
    }

    /** Offset and limit. */
    public static final class Offset implements Indexed {
        private final String offsetParameter;
        private final String limitParameter;
        private final int limit;

        public Offset(String offsetParameter, String limitParameter, int limit) {
            this.offsetParameter = checkName("offsetParameter", offsetParameter);
            this.limitParameter = checkName("limitParameter", limitParameter);
            if (limit < 1) {
                throw new IllegalArgumentException("limit must be >= 1, was " + limit);
            }
            this.limit = limit;
        }

        @Override
        public PageRequest at(PageRequest base, int index) {
            return base.withQueryParameter(offsetParameter, Long.toString((long) index * limit))
                    .withQueryParameter(limitParameter, Integer.toString(limit));
        }

        @Override
        public boolean isLast(Page page) {
            return page.records().size() < limit;
        }

        @Override
        public String toString() {
            return "offset (" + offsetParameter + ", " + limitParameter + "=" + limit + ")";
        }
    }

    /** A cursor read from the body. */
    public static final class Cursor implements Pagination {
        private final String pointerText;
        private final JsonPointer pointer;
        private final String parameter;

        public Cursor(String cursorPointer, String cursorParameter) {
            this.pointer = pointer("cursorPointer", cursorPointer);
            this.pointerText = cursorPointer;
            this.parameter = checkName("cursorParameter", cursorParameter);
        }

        @Override
        public PageRequest first(PageRequest request) {
            return request;
        }

        @Override
        public Optional<PageRequest> next(PageRequest previous, Page page) {
            return text(page.body().at(pointer)).map(c -> previous.withQueryParameter(parameter, c));
        }

        @Override
        public String toString() {
            return "cursor (" + pointerText + " sent as " + parameter + ")";
        }
    }

    /** The next URL read from the body. */
    public static final class NextUrl implements Pagination {
        private final String pointerText;
        private final JsonPointer pointer;

        public NextUrl(String nextUrlPointer) {
            this.pointer = pointer("nextUrlPointer", nextUrlPointer);
            this.pointerText = nextUrlPointer;
        }

        @Override
        public PageRequest first(PageRequest request) {
            return request;
        }

        @Override
        public Optional<PageRequest> next(PageRequest previous, Page page) {
            return text(page.body().at(pointer)).map(u -> {
                try {
                    return previous.withUri(page.uri().resolve(Urls.lenient(u)));
                } catch (java.net.URISyntaxException e) {
                    // not chained: the parser's message quotes the whole link, tokens included
                    throw new IllegalArgumentException("the next URL at " + pointerText + " of page " + (page.index() + 1)
                            + " is not a URL: " + Urls.maskText(u));
                }
            });
        }

        @Override
        public String toString() {
            return "next URL at " + pointerText;
        }
    }

    public static final Pagination LINK_HEADER = new Pagination() {
        @Override
        public PageRequest first(PageRequest request) {
            return request;
        }

        @Override
        public Optional<PageRequest> next(PageRequest previous, Page page) {
            return LinkHeaders.next(page.headers("Link"))
                    .map(u -> previous.withUri(page.uri().resolve(u)));
        }

        @Override
        public String toString() {
            return "Link header rel=next";
        }
    };

    private static Optional<String> text(JsonNode node) {
        if (node.isMissingNode() || node.isNull() || node.isContainerNode()) {
            return Optional.empty();
        }
        String s = node.asText();
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    static String checkName(String field, String name) {
        Objects.requireNonNull(name, field);
        if (name.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return name;
    }

    /** Compiles a JSON pointer, naming {@code field} when it is not one. */
    public static JsonPointer pointer(String field, String pointer) {
        Objects.requireNonNull(pointer, field);
        try {
            return JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be a JSON pointer such as '/data/items' (RFC 6901), was '"
                    + pointer + "'", e);
        }
    }
}
