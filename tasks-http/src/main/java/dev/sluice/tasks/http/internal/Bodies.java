package dev.sluice.tasks.http.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/** Reading response bodies: with a size limit, or just their start for an error message. */
public final class Bodies {
    /** How much of an error body goes into a message. */
    static final int START_CHARS = 300;

    private Bodies() {
    }

    /** The first few hundred characters of {@code in}, whitespace collapsed, secrets masked; closes nothing. */
    static String start(InputStream in, List<String> secrets) {
        byte[] buf = new byte[START_CHARS * 4 + 1024]; // beyond what is shown, so a secret across the cut is whole
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            // what we have is what we show
        }
        // mask first, then collapse and cut: a secret with white space in it, or across the cut, stays masked
        String s = dev.sluice.block.Secret.mask(Urls.maskValues(new String(buf, 0, n, StandardCharsets.UTF_8), secrets));
        s = s.replaceAll("\\s+", " ").trim();
        boolean cut = s.length() > START_CHARS || n == buf.length;
        if (s.length() > START_CHARS) {
            s = s.substring(0, START_CHARS);
        }
        return s.isEmpty() ? "(empty body)" : "'" + s + (cut ? "...'" : "'");
    }

    /** Whether a {@code Content-Type} is JSON. */
    static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        if (semi >= 0) {
            t = t.substring(0, semi);
        }
        t = t.trim();
        return t.equals("application/json") || t.equals("text/json") || t.endsWith("+json");
    }

    /** Wakes a read of a response body that waited too long for data: it closes the body, which ends the read. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static java.util.concurrent.ScheduledThreadPoolExecutor watchdog() {
        java.util.concurrent.ScheduledThreadPoolExecutor t = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "sluice-http-body-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setKeepAliveTime(10, java.util.concurrent.TimeUnit.SECONDS);
        t.allowCoreThreadTimeOut(true); // no thread while no body is being read
        return t;
    }

    /**
     * Response bodies as an {@link InputStream} whose blocking read ends with an {@link java.io.InterruptedIOException}
     * when its thread is interrupted (the interrupt status kept). The JDK 17 client's own
     * ({@code BodyHandlers.ofInputStream()}) catches the interrupt of a waiting read and waits on with the status
     * cleared, so a cancelled or timed-out extract would read a body that never ends for ever.
     */
    static java.net.http.HttpResponse.BodyHandler<InputStream> interruptible() {
        return info -> new InterruptibleBody();
    }

    /** A body read from the client's buffers through a queue whose wait an interrupt ends. */
    private static final class InterruptibleBody extends InputStream
            implements java.net.http.HttpResponse.BodySubscriber<InputStream> {
        /** How many lists of buffers the client may deliver ahead of the reader. */
        private static final int AHEAD = 4;
        /** Put in the queue when the body ends, or is closed while a read waits. */
        private static final Object END = new Object();

        private final java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.LinkedBlockingQueue<>();
        private volatile java.util.concurrent.Flow.@org.jspecify.annotations.Nullable Subscription subscription;
        private volatile boolean closed;
        private java.util.Iterator<java.nio.ByteBuffer> buffers = java.util.Collections.emptyIterator();
        private java.nio.@org.jspecify.annotations.Nullable ByteBuffer current;
        private boolean ended;

        @Override
        public java.util.concurrent.CompletionStage<InputStream> getBody() {
            return java.util.concurrent.CompletableFuture.completedStage(this);
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            if (closed) {
                s.cancel();
            } else {
                // a few lists of buffers ahead of the reader (one more asked for each one taken): the client's thread
                // fills them while the reader parses, rather than waiting for the reader's ask after each one
                s.request(AHEAD);
            }
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> item) {
            queue.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            subscription = null; // done: nothing to cancel, so the connection is left to the client
            queue.add(throwable);
        }

        @Override
        public void onComplete() {
            subscription = null; // done: nothing to cancel, so the connection is left to the client
            queue.add(END);
        }

        /** The next buffer with bytes in it, or null at the end of the body. */
        private java.nio.@org.jspecify.annotations.Nullable ByteBuffer next() throws IOException {
            while (current == null || !current.hasRemaining()) {
                if (closed) {
                    throw new IOException("closed");
                }
                if (ended) {
                    return null;
                }
                if (buffers.hasNext()) {
                    current = buffers.next();
                    continue;
                }
                Object o;
                try {
                    o = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new java.io.InterruptedIOException("interrupted while reading the body");
                }
                if (o == END) {
                    if (closed) {
                        throw new IOException("closed");
                    }
                    ended = true;
                    return null;
                }
                if (o instanceof Throwable t) {
                    throw t instanceof IOException io ? new IOException(io.getMessage(), io) : new IOException(t);
                }
                @SuppressWarnings("unchecked")
                List<java.nio.ByteBuffer> list = (List<java.nio.ByteBuffer>) o;
                buffers = list.iterator();
                var sub = subscription;
                if (sub != null) {
                    sub.request(1);
                }
            }
            return current;
        }

        @Override
        public int read() throws IOException {
            java.nio.ByteBuffer b = next();
            return b == null ? -1 : b.get() & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            java.nio.ByteBuffer buf = next();
            if (buf == null) {
                return -1;
            }
            int n = Math.min(len, buf.remaining());
            buf.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            java.nio.ByteBuffer c = current;
            return c == null ? 0 : c.remaining();
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            var sub = subscription;
            if (sub != null) {
                sub.cancel();
            }
            queue.add(END); // wakes a read waiting on another thread (the idle timeout closes from its watchdog)
        }
    }

    /**
     * A response body each read of which waits at most {@code idle} for data, and ends when its thread is
     * interrupted (a cancel, a task's timeout). The JDK's client bounds the wait for the headers only: a server
     * that sends them and then stalls would hold the reader forever. A read that waits longer closes the body and
     * fails with an {@link java.net.http.HttpTimeoutException} (an {@link IOException}: retried like a timeout
     * waiting for the headers). A read on an interrupted thread closes it and fails with an
     * {@link java.io.InterruptedIOException}, the thread's interrupt status kept; {@code in} is a body of
     * {@link #interruptible()}, whose waiting read an interrupt ends the same way.
     */
    static InputStream idleTimeout(InputStream in, java.time.Duration idle) {
        long nanos = idle.toNanos();
        return new FilterInputStream(in) {
            private volatile boolean expired;

            @Override
            public int read() throws IOException {
                var alarm = arm();
                try {
                    return super.read();
                } catch (IOException e) {
                    throw failure(e);
                } finally {
                    alarm.cancel(false);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                var alarm = arm();
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw failure(e);
                } finally {
                    alarm.cancel(false);
                }
            }

            private java.util.concurrent.ScheduledFuture<?> arm() throws IOException {
                if (Thread.currentThread().isInterrupted()) {
                    // bytes already buffered are not read on: the task that asked for them gave up
                    closeQuietly();
                    throw interruption(null);
                }
                if (expired) {
                    throw timeout(null);
                }
                return WATCHDOG.schedule(() -> {
                    expired = true;
                    closeQuietly();
                }, nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }

            private IOException failure(IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return interruption(e);
                }
                return expired ? timeout(e) : e;
            }

            private void closeQuietly() {
                try {
                    in.close();
                } catch (IOException | RuntimeException e) {
                    // the read it wakes fails all the same
                }
            }

            private IOException timeout(@org.jspecify.annotations.Nullable Throwable cause) {
                IOException e = new java.net.http.HttpTimeoutException("no data of the body for " + idle.toMillis()
                        + " ms (the request timeout): the server stalled while sending it");
                if (cause != null) {
                    e.initCause(cause);
                }
                return e;
            }

            private IOException interruption(@org.jspecify.annotations.Nullable Throwable cause) {
                IOException e = new java.io.InterruptedIOException("interrupted while reading the body");
                if (cause != null) {
                    e.initCause(cause);
                }
                return e;
            }
        };
    }

    /**
     * The body as sent before {@code contentEncoding} ({@code gzip}, {@code x-gzip}, {@code deflate}, or
     * none / {@code identity}), decoded as it is read; the decoder starts at the first read, so an empty
     * body (a 204, a redirect) costs nothing.
     *
     * @throws IOException from the first read, for an encoding the extract does not know
     */
    static InputStream decoded(InputStream in, @org.jspecify.annotations.Nullable String contentEncoding) {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return in;
        }
        InputStream raw = in;
        return new FilterInputStream(raw) {
            private boolean started;

            private void start() throws IOException {
                if (started) {
                    return;
                }
                started = true;
                java.io.PushbackInputStream peek = new java.io.PushbackInputStream(raw, 1);
                int first = peek.read();
                if (first < 0) {
                    this.in = InputStream.nullInputStream();
                    return;
                }
                peek.unread(first);
                switch (encoding) {
                    case "gzip", "x-gzip" -> this.in = new java.util.zip.GZIPInputStream(peek, 8192);
                    case "deflate" -> this.in = new java.util.zip.InflaterInputStream(peek);
                    default -> throw new IOException("the body has Content-Encoding '" + contentEncoding
                            + "', which the extract cannot decode (it asks for gzip)");
                }
            }

            @Override
            public int read() throws IOException {
                start();
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                start();
                return in.read(b, off, len);
            }

            @Override
            public long skip(long n) throws IOException {
                start();
                return in.skip(n);
            }

            @Override
            public int available() throws IOException {
                return started ? in.available() : 0;
            }

            @Override
            public void close() throws IOException {
                try {
                    in.close();
                } finally {
                    raw.close();
                }
            }
        };
    }

    /** A stream that throws the exception {@code tooBig} makes (given the limit) once more than {@code limit} bytes are read. */
    static InputStream limited(InputStream in, long limit, LongFunction<RuntimeException> tooBig) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = super.read(b, off, len);
                if (r > 0) {
                    count(r);
                }
                return r;
            }

            private void count(long n) {
                count += n;
                if (count > limit) {
                    throw tooBig.apply(limit);
                }
            }
        };
    }
}
