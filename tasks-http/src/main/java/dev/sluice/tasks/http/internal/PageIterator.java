package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.SluiceRuntime;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.Page;
import dev.sluice.tasks.http.PageRequest;
import dev.sluice.tasks.http.Pagination;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The records of an extract, one page in memory at a time (or {@code concurrency} pages when
 * page-number or offset pages are fetched ahead). Pages are fetched when the records before them
 * are consumed. A page that fails after its retries ends the iteration with an exception: records
 * of earlier pages are never passed off as the whole result.
 *
 * @param <T> the record type
 */
public final class PageIterator<T> implements Iterator<T>, AutoCloseable {
    private final ExtractSpec spec;
    private final Requester requester;
    private final Function<JsonNode, T> mapper;
    private final String typeName;
    private final Logger log;
    private final Pagination pagination;
    private final long maxPageBytes;

    private Iterator<JsonNode> current = Collections.emptyIterator();
    private int currentPage;
    private int recordInPage;
    private long emitted;
    private int pagesFetched;
    private boolean done;

    // sequential
    private @Nullable PageRequest nextRequest;
    private final Map<PageRequest, Integer> seen = new HashMap<>();

    // concurrent (page number, offset)
    private final @Nullable ThreadPoolExecutor pool;
    private final ArrayDeque<Ahead> window = new ArrayDeque<>();
    private int nextToSubmit;

    public PageIterator(ExtractSpec spec, @Nullable RateLimiter limiter, Logger log,
            Function<JsonNode, T> mapper, String typeName) {
        this.spec = spec;
        this.log = log;
        this.mapper = mapper;
        this.typeName = typeName;
        this.requester = new Requester(spec, limiter, log, "application/json");
        this.pagination = spec.pagination;
        this.maxPageBytes = spec.maxBodyBytes < 0 ? ExtractSpec.DEFAULT_MAX_PAGE_BYTES : spec.maxBodyBytes;
        if (spec.concurrency > 1 && pagination instanceof Paginations.Indexed && spec.maxPages > 1) {
            int n = spec.concurrency;
            AtomicInteger threads = new AtomicInteger();
            ThreadPoolExecutor p = new ThreadPoolExecutor(n, n, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "sluice-" + spec.name + "-page-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            p.allowCoreThreadTimeOut(true);
            this.pool = p;
        } else {
            this.pool = null;
            PageRequest first = pagination.first(PageRequest.of(spec.uri, spec.body));
            this.nextRequest = first;
            seen.put(first, 0);
        }
        log.debug("extract {}", spec);
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext()) {
            if (done) {
                return false;
            }
            try {
                if (pool == null) {
                    advanceSequential();
                } else {
                    advanceConcurrent();
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records");
        }
        JsonNode node = current.next();
        int index = recordInPage++;
        emitted++;
        try {
            return mapper.apply(node);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof JsonProcessingException j ? j : e;
            String reason = cause instanceof JsonProcessingException j ? JsonResponses.reason(j)
                    : e.getCause() instanceof java.io.IOException io ? String.valueOf(io.getMessage()) : String.valueOf(e.getMessage());
            close();
            throw new HttpExtractException("record " + (index + 1) + " of page " + (currentPage + 1)
                    + " cannot be mapped to " + typeName + ": " + reason, 0, spec.show(spec.uri), cause);
        }
    }

    private void advanceSequential() {
        PageRequest request = nextRequest;
        if (request == null) {
            done = true;
            return;
        }
        int index = pagesFetched;
        Page page = fetch(index, request);
        pagesFetched++;
        List<JsonNode> records = take(page.records());
        if (!done) {
            if (pagesFetched >= spec.maxPages) {
                done = true;
            } else {
                Optional<PageRequest> next;
                try {
                    next = pagination.next(request, page);
                } catch (IllegalArgumentException e) {
                    // a next link that is not an http(s) URL: the extract fails, rather than end as if complete
                    throw new HttpExtractException("the page after page " + pagesFetched + " cannot be requested ("
                            + pagination + "): " + e.getMessage(), page.status(), spec.show(page.uri()), e);
                }
                if (next.isEmpty()) {
                    done = true;
                } else {
                    PageRequest n = next.get();
                    Integer before = seen.putIfAbsent(n, pagesFetched);
                    if (before != null) {
                        throw new HttpExtractException("pagination is looping: page " + (pagesFetched + 1) + " would be "
                                + spec.method + " " + spec.show(n.uri()) + " again, the request of page " + (before + 1)
                                + " (" + pagination + " repeats itself); stopped after " + pagesFetched
                                + " pages rather than loop. Check the API's cursor or next link, or set maxPages",
                                page.status(), spec.show(n.uri()), null);
                    }
                    nextRequest = n;
                }
            }
        }
        nextRequest = done ? null : nextRequest;
        start(index, records);
    }

    /** A page whose first attempt was started ahead, on the pool. */
    private record Ahead(int index, PageRequest request, Future<Page> first) {
    }

    private void advanceConcurrent() {
        ThreadPoolExecutor p = pool;
        if (pagesFetched == 0 && window.isEmpty()) {
            fill(p);
        }
        Ahead head = window.poll();
        if (head == null) {
            done = true;
            return;
        }
        // the first attempt ran on the pool; retries, if any, run here, inside the caller's retry layers
        Page page = fetch(head.index(), head.request(), () -> await(head.first()));
        int index = pagesFetched;
        pagesFetched++;
        List<JsonNode> records = take(page.records());
        if (!done && (((Paginations.Indexed) pagination).isLast(page) || pagesFetched >= spec.maxPages)) {
            done = true;
        }
        if (done) {
            close();
        } else {
            fill(p);
        }
        start(index, records);
    }

    private void fill(ThreadPoolExecutor p) {
        Paginations.Indexed indexed = (Paginations.Indexed) pagination;
        PageRequest base = PageRequest.of(spec.uri, spec.body);
        SluiceRuntime runtime = requester.runtime();
        while (window.size() < spec.concurrency && nextToSubmit < spec.maxPages) {
            int index = nextToSubmit++;
            PageRequest request = indexed.at(base, index);
            window.add(new Ahead(index, request,
                    p.submit(() -> runtime.call(() -> requester.attemptOnce(request, what(index), reader(index, request))))));
        }
    }

    private static Page await(Future<Page> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for a page");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

    /** The records of a page to hand out, cut at maxRecords (which ends the extract). */
    private List<JsonNode> take(List<JsonNode> records) {
        long left = spec.maxRecords - emitted;
        if (records.size() >= left) {
            done = true;
            return records.subList(0, (int) left);
        }
        return records;
    }

    private void start(int index, List<JsonNode> records) {
        currentPage = index;
        recordInPage = 0;
        current = records.iterator();
    }

    /** Fetches and parses page {@code index} (0-based), selecting its records. */
    Page fetch(int index, PageRequest request) {
        return fetch(index, request, null);
    }

    private Page fetch(int index, PageRequest request, Requester.@Nullable FirstAttempt<Page> first) {
        String what = what(index);
        Requester.BodyReader<Page> reader = reader(index, request);
        Page page = first == null
                ? requester.execute(request, what, reader)
                : requester.execute(request, what, reader, first);
        if (log.isDebugEnabled()) {
            log.debug("{} of {} {}: {} records", what, spec.method, spec.show(page.uri()), page.records().size());
        }
        return page;
    }

    private static String what(int index) {
        return "page " + (index + 1);
    }

    private Requester.BodyReader<Page> reader(int index, PageRequest request) {
        return (status, headers, uri, body) -> parse(index, request, status, headers, uri, body);
    }

    private Page parse(int index, PageRequest request, int status, HttpHeaders headers, URI uri, InputStream body)
            throws IOException {
        String what = "page " + (index + 1) + " of " + spec.method + " " + spec.show(uri);
        String shown = spec.show(uri);
        if (status == 204) {
            // No Content: a page without records (some APIs answer so past the last page, or for an empty list)
            body.transferTo(java.io.OutputStream.nullOutputStream());
            return new Page(index, request, uri, status, headers.map(), com.fasterxml.jackson.databind.node.NullNode.getInstance(),
                    List.of());
        }
        JsonNode root = JsonResponses.read(what, shown, status, headers, body, maxPageBytes, requester.secrets());
        JsonNode selected = JsonResponses.at(root, spec.recordsPointer, spec.recordsPointerText, "the array of records",
                what, status, shown);
        List<JsonNode> records;
        if (selected.isNull()) {
            records = List.of();
        } else if (selected.isArray()) {
            records = new ArrayList<>(selected.size());
            selected.elements().forEachRemaining(records::add);
        } else {
            records = List.of(selected);
        }
        Map<String, List<String>> headerMap = headers.map();
        return new Page(index, request, uri, status, headerMap, root, records);
    }

    /** Stops fetching ahead; pages in flight are abandoned. */
    @Override
    public void close() {
        done = true;
        if (pool != null) {
            for (Ahead a : window) {
                a.first().cancel(true);
            }
            window.clear();
            pool.shutdownNow();
        }
    }
}
