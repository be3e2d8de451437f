package dev.sluice.tasks.http;

import dev.sluice.tasks.http.internal.Paginations;
import java.util.Optional;

/**
 * How an extract goes from one page to the next. Use a built-in strategy, or implement this
 * interface: {@link #first} makes the first page's request from the configured one, {@link #next}
 * looks at a fetched page and gives the next request, or empty when that page was the last.
 *
 * <pre>{@code
 * // the API returns {"items": [...], "next_since": 1234} and takes ?since=1234
 * Pagination since = new Pagination() {
 *     public PageRequest first(PageRequest request) { return request; }
 *     public Optional<PageRequest> next(PageRequest previous, Page page) {
 *         JsonNode s = page.body().path("next_since");
 *         return s.isNumber() ? Optional.of(previous.withQueryParameter("since", s.asText())) : Optional.empty();
 *     }
 * };
 * }</pre>
 *
 * <p>A strategy that asks for a request it already asked for (a repeated cursor or next link) is
 * stopped with an error, never followed round in a loop. A next link (a {@code Link} header's or a
 * body's) that is not an http or https URL fails the extract with an {@link HttpExtractException}
 * naming the page, rather than end it as if that page were the last. Page-number and offset paging
 * trust the API to take their parameters: one that ignores them (a misspelt name) answers the same
 * full page for ever, so bound an extract you are trying out with {@link HttpExtract#maxPages}. Page-number and offset strategies can be
 * fetched several pages at a time ({@link HttpExtract#concurrency(int)}); the others are sequential.
 */
public interface Pagination {
    /** The request for the first page, made from the configured request. */
    PageRequest first(PageRequest request);

    /** The request for the page after {@code page} (fetched with {@code previous}), or empty to stop. */
    Optional<PageRequest> next(PageRequest previous, Page page);

    /** A single request, no pagination. */
    static Pagination none() {
        return Paginations.NONE;
    }

    /**
     * Page numbers in query parameter {@code pageParameter} from 1, stopping at the first empty page.
     */
    static Pagination pageNumber(String pageParameter) {
        return new Paginations.PageNumber(pageParameter, 1, null, 0);
    }

    /**
     * Page numbers in {@code pageParameter} from {@code start}, asking for {@code size} records per
     * page in {@code sizeParameter}; stops at the first page that is empty or has fewer than
     * {@code size} records.
     */
    static Pagination pageNumber(String pageParameter, int start, String sizeParameter, int size) {
        return new Paginations.PageNumber(pageParameter, start, sizeParameter, size);
    }

    /**
     * Offset and limit: {@code offsetParameter} from 0 in steps of {@code limit}, sent with
     * {@code limitParameter=limit}; stops at the first page with fewer than {@code limit} records.
     */
    static Pagination offset(String offsetParameter, String limitParameter, int limit) {
        return new Paginations.Offset(offsetParameter, limitParameter, limit);
    }

    /**
     * A cursor read from each page at JSON pointer {@code cursorPointer} (e.g. {@code /meta/next_cursor})
     * and sent as query parameter {@code cursorParameter}; stops when the cursor is missing, null
     * or empty. A cursor that repeats stops the extract with an error.
     */
    static Pagination cursor(String cursorPointer, String cursorParameter) {
        return new Paginations.Cursor(cursorPointer, cursorParameter);
    }

    /**
     * The {@code Link} response header's {@code rel="next"} target (RFC 8288, as GitHub sends);
     * stops when there is none.
     */
    static Pagination linkHeader() {
        return Paginations.LINK_HEADER;
    }

    /**
     * The next page's URL read from the body at JSON pointer {@code nextUrlPointer} (e.g.
     * {@code /links/next}), absolute or relative to the page's URL; stops when missing, null or empty.
     */
    static Pagination nextUrl(String nextUrlPointer) {
        return new Paginations.NextUrl(nextUrlPointer);
    }
}
