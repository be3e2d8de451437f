package dev.sluice.server.internal;

import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The guard against DNS rebinding and cross-site requests: which {@code Host} names the server answers to,
 * and whether a state-changing request from a browser came from the server's own pages.
 *
 * <p>A page on {@code attacker.example} whose name is made to resolve to {@code 127.0.0.1} reaches a
 * loopback server as its own origin, so only the {@code Host} header tells the request apart. On a loopback
 * bind every request must name the bound address, {@code localhost}, {@code 127.0.0.1} or {@code [::1]} with
 * the server's port (or no port), or one of the allowed host names with any port (a proxy's). On another
 * bind (which needs API keys) the check applies once allowed host names are given.
 */
final class HostCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private final boolean enforced;
    private final Set<String> local;
    private final Set<String> allowed;

    HostCheck(String boundHost, boolean loopback, List<String> allowedHosts) {
        this.allowed = allowedHosts.stream().map(HostCheck::name).collect(Collectors.toUnmodifiableSet());
        this.enforced = loopback || !allowed.isEmpty();
        String bound = name(boundHost.contains(":") && !boundHost.startsWith("[") ? "[" + boundHost + "]" : boundHost);
        this.local = bound.equals("0.0.0.0") || bound.equals("[::]") ? LOOPBACK
                : java.util.stream.Stream.concat(LOOPBACK.stream(), java.util.stream.Stream.of(bound))
                        .collect(Collectors.toUnmodifiableSet());
    }

    private static String name(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /**
     * Whether {@code ctx}'s {@code Host} names this machine (its bound address, {@code localhost}, {@code 127.0.0.1} or
     * {@code [::1]}) rather than one of the allowed host names (a proxy's, which reaches the server from wherever the
     * proxy is reached): only such a request is let in while no key exists.
     */
    boolean namesThisMachine(Context ctx) {
        if (allowed.isEmpty()) {
            return true; // the Host check let it through: this machine's name, or a bind that needs keys anyway
        }
        String header = ctx.header("Host");
        if (header == null) {
            return false;
        }
        return local.contains(HostAndPort.of(header).host());
    }

    /**
     * A {@code Host} header's name (lower case, without a trailing dot; an IPv6 address in its brackets) and port:
     * null without one, {@code "?"} for what follows a bracketed address other than a colon and a port.
     */
    private record HostAndPort(String host, @Nullable String port) {
        static HostAndPort of(String header) {
            String h = name(header);
            int close = h.indexOf(']');
            if (h.startsWith("[") && close > 0) {
                return new HostAndPort(h.substring(0, close + 1), h.length() == close + 1 ? null
                        : h.charAt(close + 1) == ':' ? h.substring(close + 2) : "?");
            }
            int colon = h.indexOf(':');
            return colon >= 0 && colon == h.lastIndexOf(':') ? new HostAndPort(h.substring(0, colon), h.substring(colon + 1))
                    : new HostAndPort(h, null);
        }
    }

    /** Why the server does not answer to {@code ctx}'s {@code Host}, or null when it does. */
    @Nullable String refusal(Context ctx) {
        if (!enforced) {
            return null;
        }
        String header = ctx.header("Host");
        if (header == null || header.isBlank()) {
            return "a Host header is required";
        }
        HostAndPort hp = HostAndPort.of(header);
        String host = hp.host();
        String port = hp.port();
        if (allowed.contains(host)) {
            return null;
        }
        if (local.contains(host) && (port == null || port.equals(Integer.toString(ctx.req().getLocalPort())))) {
            return null;
        }
        return "this server does not answer to the host '" + Fmt.cut(header, 100) + "' (a guard against DNS rebinding):"
                + " use http://127.0.0.1:" + ctx.req().getLocalPort() + "/ or http://localhost:" + ctx.req().getLocalPort()
                + "/; behind a proxy, allow its host name (allowedHosts(...) of the server's options, or"
                + " 'sluice server start --allowed-host NAME')";
    }

    /**
     * Why a state-changing request from a browser is refused as coming from another site ({@code Sec-Fetch-Site}
     * other than {@code same-origin} or {@code none}, or an {@code Origin} whose host and port are not the
     * request's {@code Host}), or null when it is not. Requests without either header (not from a browser) pass.
     */
    static @Nullable String crossSite(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return "a request from another site (Sec-Fetch-Site: " + Fmt.cut(site, 20) + ") may not change anything here";
        }
        String origin = ctx.header("Origin");
        if (origin == null || origin.isEmpty()) {
            return null;
        }
        String host = ctx.header("Host");
        String authority = null;
        try {
            URI o = URI.create(origin.strip());
            if (o.getHost() != null && ("http".equalsIgnoreCase(o.getScheme()) || "https".equalsIgnoreCase(o.getScheme()))) {
                int port = o.getPort();
                boolean defaultPort = port == -1 || port == ("https".equalsIgnoreCase(o.getScheme()) ? 443 : 80);
                authority = o.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        if (authority != null && host != null && sameAuthority(authority, name(host))) {
            return null;
        }
        return "a request from another origin (" + Fmt.cut(origin, 100) + ") may not change anything here";
    }

    private static boolean sameAuthority(String origin, String host) {
        return origin.equals(host) || origin.equals(host.replaceFirst(":(80|443)$", ""));
    }
}
