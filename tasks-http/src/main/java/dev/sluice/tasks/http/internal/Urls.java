package dev.sluice.tasks.http.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Query-string editing and masking of URLs. */
public final class Urls {
    /** What a masked query value is replaced with. */
    public static final String MASK = "**********";

    /** Query parameter names whose values are masked in every URL shown, whatever the auth. */
    private static final Set<String> SENSITIVE = Set.of("api_key", "apikey", "api-key", "key", "token",
            "access_token", "auth", "client_secret", "secret", "password", "passwd", "signature", "sig",
            "x-api-key", "refresh_token", "id_token", "code",
            // pre-signed URLs (S3, GCS): the signature and the session token grant access
            "x-amz-signature", "x-amz-security-token", "x-goog-signature");

    private Urls() {
    }

    /** Parses and checks an http(s) URL given by the user, naming {@code field} on error. */
    public static URI parseHttpUrl(String field, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // not chained: the parser's message quotes the whole URL, credentials included
            throw new IllegalArgumentException(field + " is not a valid URL: " + maskText(url) + " (" + e.getReason()
                    + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException(field + " must be an absolute http or https URL, was '" + mask(uri) + "'");
        }
        return uri;
    }

    /**
     * A URI reference as servers write them in {@code Link} headers, bodies and {@code Location}s, which
     * browsers and curl follow: characters {@link URI} refuses after the authority (a space,
     * {@code | { } ^ " < >}, a backslash or backquote, a {@code %} not starting an escape, non-ASCII
     * letters) are percent-encoded (UTF-8) first.
     *
     * @throws URISyntaxException if it is not a URI even so
     */
    public static URI lenient(String reference) throws java.net.URISyntaxException {
        String s = reference.trim();
        try {
            return new URI(s);
        } catch (java.net.URISyntaxException e) {
            // encoded below, past the scheme and authority (where '[' and ']' frame an IPv6 address)
        }
        int start = 0;
        int scheme = s.indexOf("://");
        if (scheme > 0 && s.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            start = authorityEnd(s, scheme + 3);
        } else if (s.startsWith("//")) {
            start = authorityEnd(s, 2);
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, start);
        boolean fragment = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
            if (escape || (c < 128 && (Character.isLetterOrDigit(c) || "-_.!~*'();/?:@&=+$,".indexOf(c) >= 0))
                    || (c == '#' && !fragment)) {
                fragment |= c == '#';
                b.append(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte x : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xF, 16)))
                            .append(Character.toUpperCase(Character.forDigit(x & 0xF, 16)));
                }
                i = end - 1;
            }
        }
        return new URI(b.toString());
    }

    private static int authorityEnd(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                return i;
            }
        }
        return s.length();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Encodes a query name or value (spaces as %20). */
    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The first value of query parameter {@code name}, decoded. */
    public static Optional<String> queryParameter(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return Optional.empty();
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String n = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (n.equals(name)) {
                return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return Optional.empty();
    }

    /** {@code uri} with query parameter {@code name} set to {@code value}: replaced where present, else appended. */
    public static URI withQueryParameter(URI uri, String name, String value) {
        String q = uri.getRawQuery();
        String encoded = encode(name) + "=" + encode(value);
        StringBuilder out = new StringBuilder();
        boolean replaced = false;
        if (q != null && !q.isEmpty()) {
            for (String pair : q.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String n = decode(eq < 0 ? pair : pair.substring(0, eq));
                if (n.equals(name)) {
                    if (replaced) {
                        continue;
                    }
                    replaced = true;
                    pair = encoded;
                }
                if (out.length() > 0) {
                    out.append('&');
                }
                out.append(pair);
            }
        }
        if (!replaced) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(encoded);
        }
        return withRawQuery(uri, out.toString());
    }

    /** {@code uri} with {@code name=value} appended to its query (an existing value of that name stays). */
    public static URI appendQueryParameter(URI uri, String name, String value) {
        String q = uri.getRawQuery();
        String pair = encode(name) + "=" + encode(value);
        return withRawQuery(uri, q == null || q.isEmpty() ? pair : q + "&" + pair);
    }

    /** {@code uri} with its query replaced by {@code rawQuery} (already encoded; null or empty: none). */
    public static URI withRawQuery(URI uri, @Nullable String rawQuery) {
        StringBuilder sb = new StringBuilder();
        sb.append(uri.getScheme()).append("://").append(uri.getRawAuthority());
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            sb.append('?').append(rawQuery);
        }
        if (uri.getRawFragment() != null) {
            sb.append('#').append(uri.getRawFragment());
        }
        return URI.create(sb.toString());
    }

    /** Whether two URLs share scheme, host and port. */
    public static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** {@code uri} for messages and logs: user info and the values of sensitive query parameters masked. */
    public static String mask(URI uri) {
        return mask(uri, Set.of());
    }

    /** As {@link #mask(URI)}, also masking the parameters in {@code extraNames} (the API key's name). */
    public static String mask(URI uri, Set<String> extraNames) {
        StringBuilder sb = new StringBuilder();
        if (uri.getScheme() != null) {
            sb.append(uri.getScheme()).append("://");
        }
        if (uri.getRawUserInfo() != null) {
            sb.append(MASK).append('@');
        }
        if (uri.getHost() != null) {
            sb.append(uri.getHost());
            if (uri.getPort() >= 0) {
                sb.append(':').append(uri.getPort());
            }
        } else if (uri.getRawAuthority() != null) {
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            sb.append(at < 0 ? authority : MASK + authority.substring(at));
        }
        if (uri.getRawPath() != null) {
            sb.append(uri.getRawPath());
        }
        String q = uri.getRawQuery();
        if (q != null) {
            sb.append('?');
            boolean first = true;
            for (String pair : q.split("&", -1)) {
                if (!first) {
                    sb.append('&');
                }
                first = false;
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    sb.append(pair);
                    continue;
                }
                String n = decode(pair.substring(0, eq));
                if (isSensitive(n, extraNames)) {
                    sb.append(pair, 0, eq + 1).append(MASK);
                } else {
                    sb.append(pair);
                }
            }
        }
        return sb.toString();
    }

    /** Best-effort masking of a string that should have been a URL but did not parse: query and user info. */
    public static String maskText(String url) {
        int q = url.indexOf('?');
        String s = q < 0 ? url : url.substring(0, q) + "?" + MASK;
        int at = q < 0 ? s.lastIndexOf('@') : s.lastIndexOf('@', q);
        if (at >= 0) {
            int slashes = s.indexOf("//");
            s = (slashes >= 0 && slashes < at ? s.substring(0, slashes + 2) : "") + MASK + s.substring(at);
        }
        return s;
    }

    private static boolean isSensitive(String name, Set<String> extraNames) {
        return SENSITIVE.contains(name.toLowerCase(Locale.ROOT)) || extraNames.contains(name);
    }

    static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    /** Masks the values of {@code secrets} in {@code text} (a response body shown in a message). */
    public static String maskValues(String text, List<String> secrets) {
        String out = text;
        for (String s : secrets) {
            if (s.length() >= 4 && out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }
}
