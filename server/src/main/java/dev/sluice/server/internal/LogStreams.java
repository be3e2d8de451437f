package dev.sluice.server.internal;

import dev.sluice.history.History;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.history.Page;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live log lines as server-sent events: one thread sends a stream's lines as soon as it opens, then polls the
 * history every half second for the new lines of every open stream (event {@code log}, id = line number, so a reconnecting browser resumes
 * with {@code Last-Event-ID}) and ends a stream with event {@code end} once its run has ended.
 */
final class LogStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogStreams.class);
    static final int MAX_STREAMS = 256;
    private final History history;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-server-logs");
        t.setDaemon(true);
        return t;
    });

    private static final class Stream {
        final SseClient client;
        final String runId;
        final Function<LogEntry, String> format;
        final java.util.function.BooleanSupplier allowed;
        volatile long after;
        int idle;

        Stream(SseClient client, String runId, long after, Function<LogEntry, String> format,
                java.util.function.BooleanSupplier allowed) {
            this.client = client;
            this.runId = runId;
            this.after = after;
            this.format = format;
            this.allowed = allowed;
        }
    }

    private final RunParameters reads;

    LogStreams(History history, RunParameters reads) {
        this.history = history;
        this.reads = reads;
        poller.scheduleWithFixedDelay(this::poll, 500, 500, TimeUnit.MILLISECONDS);
    }

    /**
     * Turns {@code ctx} into a stream of run {@code runId}'s lines after {@code after}, for as long as {@code allowed}
     * (asked before every poll): a stream whose key is revoked or whose session ends is closed.
     */
    void open(Context ctx, String runId, long after, Function<LogEntry, String> format,
            java.util.function.BooleanSupplier allowed) throws Exception {
        if (open.size() >= MAX_STREAMS) {
            throw new HttpError(503, "too many live log streams are open; reload later");
        }
        new SseHandler(client -> {
            Stream s = new Stream(client, runId, after, format, allowed);
            client.keepAlive();
            client.onClose(() -> open.remove(s));
            open.add(s);
            // the lines there are already (and the end, for a run that has ended) at once, not at the next poll: on the
            // poller's thread, as every send
            try {
                poller.execute(() -> {
                    if (open.contains(s)) {
                        sendOrClose(s);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                s.client.close();
            }
        }).handle(ctx);
    }

    private void poll() {
        for (Stream s : open) {
            sendOrClose(s);
        }
    }

    private void sendOrClose(Stream s) {
        try {
            send(s);
        } catch (RuntimeException e) {
            LOG.debug("live log stream of run {} closed: {}", s.runId, e.toString());
            open.remove(s);
            s.client.close();
        }
    }

    private void send(Stream s) {
        if (s.client.terminated()) {
            open.remove(s);
            return;
        }
        if (!s.allowed.getAsBoolean()) {
            // its key revoked, its session ended: not one more line (a browser reconnecting is asked to log in)
            LOG.debug("live log stream of run {} closed: its key or session is no longer valid", s.runId);
            open.remove(s);
            s.client.close();
            return;
        }
        Page<LogEntry> page = history.logs(LogQuery.of(s.runId).afterLine(s.after).limit(500));
        for (LogEntry e : page.items()) {
            s.client.sendEvent("log", s.format.apply(e), Long.toString(e.line()));
            s.after = e.line();
        }
        if (page.hasNext()) {
            return;
        }
        if (page.items().isEmpty()) {
            s.idle++;
            if (s.idle % 30 == 0) {
                s.client.sendComment("alive");
            }
        } else {
            s.idle = 0;
        }
        String state;
        try {
            state = reads.state(s.runId);
            if (state == null) {
                state = history.taskRun(s.runId).map(d -> d.run().state().name()).orElse(null);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot read the state of run " + s.runId + ": " + e.getMessage(), e);
        }
        boolean ended = state == null || dev.sluice.State.valueOf(state).isTerminal();
        if (ended) {
            // lines written just before the end are read once more, then the stream ends
            Page<LogEntry> rest = history.logs(LogQuery.of(s.runId).afterLine(s.after).limit(500));
            for (LogEntry e : rest.items()) {
                s.client.sendEvent("log", s.format.apply(e), Long.toString(e.line()));
                s.after = e.line();
            }
            s.client.sendEvent("end", "ended", Long.toString(s.after));
            open.remove(s);
            s.client.close();
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
        for (Stream s : open) {
            s.client.close();
        }
        open.clear();
    }
}
