package dev.sluice.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Replaces every secret value this JVM has revealed with {@link #MASK} in text bound for logs, run
 * records, exception summaries and notifications. Values are also matched in their URL-encoded
 * form, so a password inside a connection URL is masked too, and in their JSON-escaped form, so a
 * password with a quote or backslash is masked inside a logged JSON body.
 */
public final class Masker {
    /** What a secret value is replaced with. */
    public static final String MASK = "**********";

    /** Values shorter than this are not masked: masking "a" everywhere would make logs unreadable. */
    static final int MIN_LENGTH = 4;

    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    /** Longest first, so a value containing another is masked whole. */
    private static volatile String[] values = new String[0];

    private Masker() {
    }

    /** Remembers {@code value} (and its URL-encoded form) as secret. */
    public static void register(@Nullable String value) {
        if (value == null || value.length() < MIN_LENGTH || KNOWN.contains(value)) {
            return;
        }
        synchronized (Masker.class) {
            if (!KNOWN.add(value)) {
                return;
            }
            List<String> all = new ArrayList<>(List.of(values));
            all.add(value);
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
            if (!encoded.equals(value)) {
                all.add(encoded);
                String percentSpaces = encoded.replace("+", "%20");
                if (!percentSpaces.equals(encoded)) {
                    all.add(percentSpaces);
                }
            }
            String json = jsonEscaped(value);
            if (!json.equals(value)) {
                all.add(json);
            }
            all.sort(Comparator.comparingInt(String::length).reversed());
            values = all.toArray(new String[0]);
        }
    }

    private static String jsonEscaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** {@code text} with every known secret value replaced by {@link #MASK}. */
    public static String mask(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String[] vs = values;
        String out = text;
        for (String v : vs) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }

    /** Whether {@code text} contains a known secret value. */
    public static boolean containsSecret(@Nullable String text) {
        if (text == null) {
            return false;
        }
        for (String v : values) {
            if (text.contains(v)) {
                return true;
            }
        }
        return false;
    }

    /** The stack trace of {@code t}, causes included, masked. */
    public static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return mask(sw.toString());
    }

    /**
     * {@code t} itself when no message in its cause chain holds a secret; otherwise a copy of the
     * chain with masked messages and the same stack traces, fit to hand to a logging framework.
     */
    public static Throwable maskThrowable(Throwable t) {
        boolean leaks = false;
        for (Throwable c = t; c != null && !leaks; c = c.getCause()) {
            leaks = containsSecret(c.getMessage()) || containsSecret(c.toString());
            if (c.getCause() == c) {
                break;
            }
        }
        return leaks ? copy(t, 0) : t;
    }

    private static Throwable copy(Throwable t, int depth) {
        MaskedThrowable m = new MaskedThrowable(t.getClass().getName() + ": " + mask(t.getMessage()));
        m.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t && depth < 32) {
            m.initCause(copy(cause, depth + 1));
        }
        return m;
    }

    /** A stand-in for an exception whose message held a secret. */
    static final class MaskedThrowable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MaskedThrowable(String message) {
            super(message, null, false, true);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
