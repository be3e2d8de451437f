package dev.sluice.tasks.slack.internal;

import java.io.IOException;

/** Keeps a secret (the webhook URL) out of an exception that becomes a cause. */
final class Scrub {
    private static final String MASK = "**********";

    private Scrub() {
    }

    /**
     * {@code e} itself if no message in its cause chain contains {@code secret}; otherwise an
     * {@link IOException} of the same message with the secret masked and the same stack trace.
     */
    static Throwable scrub(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.contains(secret)) {
                IOException clean = new IOException(e.getClass().getName() + ": "
                        + String.valueOf(e.getMessage()).replace(secret, MASK));
                clean.setStackTrace(e.getStackTrace());
                return clean;
            }
        }
        return e;
    }
}
