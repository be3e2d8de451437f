package dev.sluice.tasks.http.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads {@code Link} headers (RFC 8288). */
public final class LinkHeaders {
    private LinkHeaders() {
    }

    /**
     * The target of the first link with relation type {@code next}, as written (maybe relative).
     *
     * @throws IllegalArgumentException if that target is not a URI
     */
    public static Optional<URI> next(List<String> headerValues) {
        for (String value : headerValues) {
            Optional<URI> found = find(value, "next");
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The target of the first link in one header value whose {@code rel} includes {@code relation}. */
    static Optional<URI> find(String header, String relation) {
        int i = 0;
        int n = header.length();
        while (i < n) {
            int lt = header.indexOf('<', i);
            if (lt < 0) {
                return Optional.empty();
            }
            int gt = header.indexOf('>', lt + 1);
            if (gt < 0) {
                return Optional.empty();
            }
            String target = header.substring(lt + 1, gt).trim();
            // parameters run to the next ',' outside quotes
            int j = gt + 1;
            boolean quoted = false;
            StringBuilder params = new StringBuilder();
            while (j < n) {
                char c = header.charAt(j);
                if (c == '"') {
                    quoted = !quoted;
                } else if (c == '\\' && quoted && j + 1 < n) {
                    params.append(c).append(header.charAt(j + 1));
                    j += 2;
                    continue;
                } else if (c == ',' && !quoted) {
                    break;
                }
                params.append(c);
                j++;
            }
            if (hasRelation(params.toString(), relation)) {
                try {
                    return Optional.of(Urls.lenient(target));
                } catch (java.net.URISyntaxException e) {
                    // not empty, which would end the extract as if this page were the last; not chained: the
                    // parser's message quotes the whole link, tokens included
                    throw new IllegalArgumentException("the Link header's rel=\"" + relation + "\" target is not a URL: "
                            + Urls.maskText(target));
                }
            }
            i = j + 1;
        }
        return Optional.empty();
    }

    private static boolean hasRelation(String params, String relation) {
        for (String param : params.split(";")) {
            String p = param.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            if (!p.substring(0, eq).trim().equalsIgnoreCase("rel")) {
                continue;
            }
            String v = p.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            for (String rel : v.trim().split("\\s+")) {
                if (rel.toLowerCase(Locale.ROOT).equals(relation)) {
                    return true;
                }
            }
            return false; // only the first rel parameter counts (RFC 8288 section 3.3)
        }
        return false;
    }
}
