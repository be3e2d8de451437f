package dev.sluice.notify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts text to a notification service's limit, for {@link Notifier} implementations: measured the
 * way the payload is sent: in UTF-16 characters (the
 * most any service counts for a "character": never fewer than its code points or grapheme
 * clusters), in UTF-8 bytes, or in UTF-8 bytes of the text written as a JSON string. A cut is made
 * at a grapheme cluster boundary, so it never splits a surrogate pair (which would be sent as
 * {@code ?}), an emoji sequence, a flag or a letter and its accents. Mask before you cut (the
 * notification a {@code Notify} hook builds is masked already).
 *
 * <pre>{@code
 * String body = TextCuts.cut(notification.body(), 25_000, TextCuts.Measure.JSON, "\u2026");
 * }</pre>
 */
public final class TextCuts {
    /** One extended grapheme cluster (Unicode TR 29). */
    private static final Pattern CLUSTER = Pattern.compile("\\X");
    /** How far back from a cut a cluster boundary is looked for; longer clusters are cut between code points. */
    private static final int WINDOW = 256;

    /** How a text's size is counted. */
    public enum Measure {
        /** UTF-16 code units ({@code String.length()}). */
        CHARS,
        /** Bytes in UTF-8. */
        UTF8,
        /** Bytes in UTF-8 of the text inside a JSON string, escapes included, as Jackson writes it. */
        JSON;

        /** The size of code point {@code cp} under this measure. */
        int cost(int cp) {
            return switch (this) {
                case CHARS -> Character.charCount(cp);
                case UTF8 -> utf8(cp);
                case JSON -> json(cp);
            };
        }

        private static int utf8(int cp) {
            if (cp < 0x80) {
                return 1;
            }
            if (cp < 0x800) {
                return 2;
            }
            return cp < 0x10000 ? 3 : 4;
        }

        private static int json(int cp) {
            if (cp == '"' || cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t' || cp == '\b' || cp == '\f') {
                return 2;
            }
            if (cp < 0x20) {
                return 6; // \\u00XX
            }
            return utf8(cp);
        }
    }

    private TextCuts() {
    }

    /** The size of {@code s} under {@code measure}. */
    public static int size(String s, Measure measure) {
        if (measure == Measure.CHARS) {
            return s.length();
        }
        int size = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            size += measure.cost(cp);
            i += Character.charCount(cp);
        }
        return size;
    }

    /**
     * {@code s} itself if its size is at most {@code max}; otherwise its longest start that ends at
     * a grapheme cluster boundary, followed by {@code marker}, together at most {@code max} (the
     * marker itself is cut if it alone does not fit).
     */
    public static String cut(String s, int max, Measure measure, String marker) {
        if (max <= 0) {
            return "";
        }
        if (size(s, measure) <= max) {
            return s;
        }
        int budget = max - size(marker, measure);
        if (budget < 0) {
            return cut(marker, max, measure, "");
        }
        int end = 0;
        int used = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int cost = measure.cost(cp);
            if (used + cost > budget) {
                break;
            }
            used += cost;
            end += Character.charCount(cp);
        }
        return s.substring(0, boundaryAtOrBefore(s, end)) + marker;
    }

    /** The last grapheme cluster boundary of {@code s} at or before {@code index}. */
    public static int boundaryAtOrBefore(String s, int index) {
        if (index <= 0) {
            return 0;
        }
        if (index >= s.length()) {
            return s.length();
        }
        int from = Math.max(0, index - WINDOW);
        if (from > 0 && Character.isLowSurrogate(s.charAt(from)) && Character.isHighSurrogate(s.charAt(from - 1))) {
            from++;
        }
        Matcher m = CLUSTER.matcher(s).region(from, Math.min(s.length(), index + WINDOW));
        int best = -1;
        while (m.find()) {
            if (m.end() > index) {
                break;
            }
            best = m.end();
        }
        if (best > from || from == 0) {
            return Math.max(best, 0);
        }
        // a cluster longer than the window (hundreds of combining marks): cut between code points
        return Character.isLowSurrogate(s.charAt(index)) && Character.isHighSurrogate(s.charAt(index - 1)) ? index - 1 : index;
    }
}
