package dev.sluice.tasks.email.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Input checks done before anything is sent: no line breaks where a header is written (header
 * injection), addresses that parse, header names that are legal.
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

    /**
     * Checks that {@code address} is one valid address such as {@code ops@example.com} or
     * {@code "Ops Team <ops@example.com>"}, naming {@code field} and the address if not.
     */
    public static void address(String field, String address) {
        noLineBreaks(field, address);
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            if (parsed.getAddress() == null || !parsed.getAddress().contains("@")) {
                throw new AddressException("no '@'");
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + " address '" + address + "' is not a valid email address ("
                    + e.getMessage() + "); give one address such as ops@example.com or \"Ops <ops@example.com>\"", e);
        }
    }

    /** Checks every address in {@code addresses}, naming {@code field}. */
    public static void addresses(String field, List<String> addresses) {
        for (String a : addresses) {
            if (a == null) {
                throw new NullPointerException(field + " contains null");
            }
            address(field, a);
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
