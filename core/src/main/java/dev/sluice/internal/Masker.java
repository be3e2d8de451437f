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
 * password with a quote or backslash is masked inside a logged JSON body (short values too, where they
 * stand alone). The user info of a URL ({@code https://user:password@host}) is masked whether or not a
 * secret held it: the password, or the whole user info when it has no password (a token as user name).
 */
public final class Masker {
    /** What a secret value is replaced with. */
    public static final String MASK = "**********";

    /**
     * Values shorter than this are masked only where they stand alone (bounded by characters that are
     * not letters or digits): masking "ab" inside every word would make logs unreadable.
     */
    static final int MIN_LENGTH = 4;

    // JVM-wide on purpose: SLF4J and System.err are JVM-wide, so a secret revealed under one runtime
    // must be masked in whatever any other runtime logs. Append-only, and holds only revealed values.
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    /** Longest first, so a value containing another is masked whole. */
    private static volatile String[] values = new String[0];
    /** Values shorter than {@link #MIN_LENGTH}, masked as whole tokens only. */
    private static volatile String[] shortValues = new String[0];
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("dev.sluice.block.Secret");

    private Masker() {
    }

    /** Remembers {@code value} (and its URL-encoded form) as secret. */
    public static void register(@Nullable String value) {
        if (value == null || value.isEmpty() || KNOWN.contains(value)) {
            return;
        }
        if (value.length() < MIN_LENGTH) {
            registerShort(value);
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
            for (String json : jsonEscaped(value)) {
                if (!json.equals(value) && !all.contains(json)) {
                    all.add(json);
                }
            }
            all.sort(Comparator.comparingInt(String::length).reversed());
            values = all.toArray(new String[0]);
        }
    }

    private static void registerShort(String value) {
        if (value.length() < 2) {
            if (KNOWN.add(value)) {
                LOG.warn("a secret of 1 character was revealed: it is not masked (it would mask that character"
                        + " wherever it stands alone); use a real secret");
            }
            return;
        }
        synchronized (Masker.class) {
            if (!KNOWN.add(value)) {
                return;
            }
            List<String> all = new ArrayList<>(List.of(shortValues));
            for (String form : forms(value)) {
                if (!all.contains(form)) {
                    all.add(form);
                }
            }
            all.sort(Comparator.comparingInt(String::length).reversed());
            shortValues = all.toArray(new String[0]);
        }
        LOG.warn("a secret of {} character(s) was revealed: it is masked only where it stands alone (not inside a longer"
                + " word or number), so parts of it may show in logs; use a longer secret", value.length());
    }

    /** {@code value}, its URL-encoded forms ({@code +} and {@code %20} for a space) and its JSON-escaped forms. */
    private static java.util.Set<String> forms(String value) {
        java.util.Set<String> forms = new java.util.LinkedHashSet<>();
        forms.add(value);
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        forms.add(encoded);
        forms.add(encoded.replace("+", "%20"));
        forms.addAll(jsonEscaped(value));
        return forms;
    }

    /**
     * The forms JSON writers give {@code value} inside a string: the short escapes, and a unicode escape (backslash,
     * u, four hex digits) for other control characters (Jackson); that with the slash escaped; and with every
     * character outside printable ASCII, with or without the HTML-unsafe {@code < > & = '}, as unicode escapes (Gson;
     * Jackson told to keep to ASCII), in upper- and lower-case hex.
     */
    private static java.util.Set<String> jsonEscaped(String value) {
        java.util.Set<String> forms = new java.util.LinkedHashSet<>();
        forms.add(jsonEscaped(value, false, false, false, false));
        forms.add(jsonEscaped(value, false, false, true, false));
        forms.add(jsonEscaped(value, true, false, false, true));
        forms.add(jsonEscaped(value, true, true, false, true));
        // Jackson's ESCAPE_NON_ASCII: beyond ASCII only
        forms.add(jsonEscaped(value, true, false, false, false));
        forms.add(jsonEscaped(value, true, true, false, false));
        return forms;
    }

    private static String jsonEscaped(String value, boolean ascii, boolean lowerHex, boolean slash, boolean html) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '/' -> sb.append(slash ? "\\/" : "/");
                default -> {
                    boolean escape = c < 0x20 || (ascii && (c > 0x7e
                            || (html && (c == '<' || c == '>' || c == '&' || c == '=' || c == '\''))));
                    if (escape) {
                        String hex = String.format(java.util.Locale.ROOT, lowerHex ? "\\u%04x" : "\\u%04X", (int) c);
                        sb.append(hex);
                    } else {
                        sb.append(c);
                    }
                }
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
        String[] shorts = shortValues;
        for (String v : shorts) {
            out = maskToken(out, v);
        }
        return maskUserInfo(out);
    }

    /**
     * A URL's user info: scheme, {@code ://} (or JSON's {@code :\/\/}), then the user and, after a colon, the
     * password, up to the last {@code @} before the host. Group 1 is what stays, group 2 what is masked.
     */
    private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile(
            "(\\b[A-Za-z][A-Za-z0-9+.-]*:(?:\\\\?/){2}(?:[^\\s/\\\\?#@:\"'<>]*:)?)"
            + "([^\\s/\\\\?#\"'<>]+)@(?=[A-Za-z0-9\\[])");

    /** {@code text} with the user info of every URL in it masked (see {@link #USER_INFO}). */
    static String maskUserInfo(String text) {
        if (text.indexOf('@') < 0 || text.indexOf(':') < 0) {
            return text;
        }
        java.util.regex.Matcher m = USER_INFO.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        boolean changed = false;
        do {
            m.appendReplacement(sb, "");
            if (m.group(2).endsWith(MASK)) {
                sb.append(m.group()); // masked already
            } else {
                sb.append(m.group(1)).append(MASK).append('@');
                changed = true;
            }
        } while (m.find());
        if (!changed) {
            return text;
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** {@code text} with every stand-alone occurrence of {@code v} replaced by {@link #MASK}. */
    private static String maskToken(String text, String v) {
        int i = text.indexOf(v);
        if (i < 0) {
            return text;
        }
        StringBuilder sb = null;
        int from = 0;
        while (i >= 0) {
            int end = i + v.length();
            boolean alone = (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
            if (alone) {
                if (sb == null) {
                    sb = new StringBuilder(text.length() + 16);
                }
                sb.append(text, from, i).append(MASK);
                from = end;
            }
            i = text.indexOf(v, alone ? end : i + 1);
        }
        if (sb == null) {
            return text;
        }
        return sb.append(text, from, text.length()).toString();
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
        for (String v : shortValues) {
            if (text.contains(v) && !maskToken(text, v).equals(text)) {
                return true;
            }
        }
        return maskUserInfo(text) != text;
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
        return leaks(t, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0)
                ? copy(t, new java.util.IdentityHashMap<>(), 0) : t;
    }

    /** Whether a message in {@code t}, its causes or its suppressed exceptions holds a secret. */
    private static boolean leaks(@Nullable Throwable t, Set<Throwable> seen, int depth) {
        if (t == null || depth > 32 || !seen.add(t)) {
            return false;
        }
        if (containsSecret(t.getMessage()) || containsSecret(t.toString())) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (leaks(s, seen, depth + 1)) {
                return true;
            }
        }
        return leaks(t.getCause(), seen, depth + 1);
    }

    private static Throwable copy(Throwable t, java.util.Map<Throwable, Throwable> copies, int depth) {
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        if (!leaks(t, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0)) {
            return t; // nothing secret below here: keep the original, type and all
        }
        Throwable cause = t.getCause();
        MaskedThrowable m = new MaskedThrowable(t.getClass().getName()
                + (t.getMessage() == null ? "" : ": " + mask(t.getMessage())));
        copies.put(t, m);
        if (cause != null && cause != t && depth < 32) {
            m.initCause(copy(cause, copies, depth + 1));
        }
        m.setStackTrace(t.getStackTrace());
        for (Throwable s : t.getSuppressed()) {
            if (depth < 32) {
                m.addSuppressed(copy(s, copies, depth + 1));
            }
        }
        return m;
    }

    /**
     * A stand-in for an exception whose message (or a cause's, or a suppressed one's) held a secret:
     * its message starts with the original type's name, and it keeps the original stack trace.
     */
    static final class MaskedThrowable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MaskedThrowable(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
