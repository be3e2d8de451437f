package dev.sluice.tasks.slack.internal;

import dev.sluice.block.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Keeps a secret (the webhook URL) out of messages and out of an exception that becomes a cause.
 * The whole URL is the credential, so its path, its query, every path segment and every query
 * value are masked, whatever their length: anywhere for 4 characters and more, where they stand
 * alone for shorter ones (so {@code /services/T0/B0/x9} masks {@code x9} but not every "x9" inside
 * a word).
 */
final class Scrub {
    private static final String MASK = "**********";

    private Scrub() {
    }

    /**
     * {@code e} itself if no message in its cause chain contains a part of {@code secret}; otherwise
     * an {@link IOException} of the same message with those parts masked and the same stack trace.
     */
    static Throwable scrub(Throwable e, String secret) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            String m = t.getMessage();
            if (m != null && !mask(m, secret).equals(m)) {
                IOException clean = new IOException(e.getClass().getName() + ": " + mask(String.valueOf(e.getMessage()), secret));
                clean.setStackTrace(e.getStackTrace());
                return clean;
            }
        }
        return e;
    }

    /** {@code text} with every revealed secret and every part of the URL {@code secret} masked. */
    static String mask(String text, String secret) {
        String s = Secret.mask(text);
        List<String> parts = parts(secret);
        for (String p : parts) {
            if (p.length() >= 4) {
                s = s.replace(p, MASK);
            }
        }
        for (String p : parts) {
            if (!p.isEmpty() && p.length() < 4) {
                s = maskToken(s, p);
            }
        }
        return s;
    }

    /** The URL, its path and query, and each path segment and query value (raw and decoded), longest first. */
    private static List<String> parts(String url) {
        List<String> parts = new ArrayList<>();
        parts.add(url);
        try {
            URI uri = new URI(url.strip());
            String path = uri.getRawPath();
            if (path != null && path.length() > 1) {
                parts.add(path);
                for (String segment : path.split("/")) {
                    parts.add(segment);
                    parts.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
                }
            }
            String query = uri.getRawQuery();
            if (query != null && !query.isEmpty()) {
                parts.add(query);
                for (String pair : query.split("&")) {
                    String value = pair.substring(pair.indexOf('=') + 1);
                    parts.add(value);
                    parts.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
                }
            }
        } catch (java.net.URISyntaxException | IllegalArgumentException notAUrl) {
            // the whole text is masked all the same
        }
        parts.removeIf(String::isEmpty);
        parts.sort(Comparator.comparingInt(String::length).reversed());
        return parts;
    }

    private static String maskToken(String text, String v) {
        StringBuilder sb = new StringBuilder(text.length());
        int from = 0;
        int i = text.indexOf(v);
        while (i >= 0) {
            int end = i + v.length();
            boolean alone = (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))
                    && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end)));
            if (alone) {
                sb.append(text, from, i).append(MASK);
                from = end;
            }
            i = text.indexOf(v, alone ? end : i + 1);
        }
        return sb.append(text, from, text.length()).toString();
    }
}
