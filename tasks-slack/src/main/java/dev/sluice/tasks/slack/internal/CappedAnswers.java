package dev.sluice.tasks.slack.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;

/**
 * Bounds what the Slack SDK reads of an answer: it reads a body whole into a string, so a server (or a proxy,
 * or a wrong API URL) answering without end would fill the heap within the request timeout. Past
 * {@link #MAX_BYTES} the read fails with an {@code IOException} saying so, which the senders report as an
 * unknown delivery, like any answer that breaks off.
 */
final class CappedAnswers implements Interceptor {
    /** The most of one answer read: Slack's own answers to what Sluice sends are a few kilobytes. */
    static final long MAX_BYTES = 4L * 1024 * 1024;

    @Override
    public Response intercept(Chain chain) throws IOException {
        Response response = chain.proceed(chain.request());
        ResponseBody body = response.body();
        if (body == null) {
            return response;
        }
        long declared = body.contentLength();
        if (declared > MAX_BYTES) {
            chain.call().cancel();
            body.close();
            throw tooLarge(declared + " bytes");
        }
        ForwardingSource capped = new ForwardingSource(body.source()) {
            private long read;

            @Override
            public long read(Buffer sink, long byteCount) throws IOException {
                long n = super.read(sink, byteCount);
                if (n > 0) {
                    read += n;
                    if (read > MAX_BYTES) {
                        // the connection is dropped: closed as it is, OkHttp would read on for a while to reuse it
                        chain.call().cancel();
                        throw tooLarge("more than that");
                    }
                }
                return n;
            }
        };
        return response.newBuilder().body(ResponseBody.create(Okio.buffer(capped), body.contentType(), declared)).build();
    }

    private static IOException tooLarge(String size) {
        return new IOException("the answer is larger than " + (MAX_BYTES / 1024 / 1024) + " MiB (" + size
                + "), which no Slack answer is: not read further");
    }
}
