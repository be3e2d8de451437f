package dev.sluice.tasks.email.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Input checks done before anything is sent: no line breaks where a header is written (header
 * injection), header names that are legal. Nothing here needs the mail API, so a block of this module
 * ({@code EmailServerCredentials}) can be made where only this module's jar is on the class path (the
 * {@code sluice blocks create} command); addresses are checked by {@link Addresses}.
 */
public final class Checks {
    /** Headers a message sets from its own fields, or that describe its MIME structure. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "from", "to", "cc", "bcc", "reply-to", "subject", "sender", "date",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "content-id");

    private Checks() {
    }

    /** Rejects {@code value} if it holds a CR, LF or NUL, naming {@code field}. */
    public static void noLineBreaks(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(field + " must not contain line breaks (CR, LF) or NUL, was '"
                        + printable(value) + "': a line break in a header could inject headers");
            }
        }
    }

    /** Checks a custom header's name and value. */
    public static void header(String name, String value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("header name must not be empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ':') {
                throw new IllegalArgumentException("header name '" + printable(name)
                        + "' is not legal: use printable ASCII without spaces or ':'");
            }
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header '" + name
                    + "' is set from the message's own fields or structure; use the builder's method for it");
        }
        noLineBreaks("header '" + name + "'", value);
    }

    /** {@code s} with CR, LF and other control characters shown as escapes, for error messages. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
