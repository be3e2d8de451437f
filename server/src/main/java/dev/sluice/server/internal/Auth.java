package dev.sluice.server.internal;

import dev.sluice.server.ApiKey;
import dev.sluice.server.Role;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Who is asking: a bearer key, a dashboard session made by logging in with a key, or anyone on
 * loopback while no key exists. Also the CSRF tokens (a double-submit cookie, bound to the session
 * when there is one) and the login rate limit.
 */
final class Auth {
    static final String SESSION_COOKIE = "sluice_session";
    static final String CSRF_COOKIE = "sluice_csrf";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who is asking and with what role. */
    record Principal(String name, Role role, boolean session, boolean bearer, boolean open) {
    }

    private record Session(String id, String keyId, String keyName, Role role, String csrf, long[] lastUsed) {
    }

    private record Attempts(long windowStart, int failures) {
    }

    private final KeyStore keys;
    private final boolean loopback;
    private final boolean requireKeys;
    private final Duration timeout;
    private final int attemptsPerMinute;
    private final boolean secureCookies;
    private final Clock clock;
    private final java.util.function.Predicate<Context> fromThisMachine;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Attempts> attempts = new ConcurrentHashMap<>();

    /** The keys (and their database's connections). */
    KeyStore keys() {
        return keys;
    }

    /**
     * {@code fromThisMachine}: whether a request names this machine in its {@code Host} (not a proxy's allowed name);
     * only those are let in while the server is open.
     */
    Auth(KeyStore keys, boolean loopback, boolean requireKeys, Duration timeout, int attemptsPerMinute, boolean secureCookies,
            Clock clock, java.util.function.Predicate<Context> fromThisMachine) {
        this.fromThisMachine = fromThisMachine;
        this.secureCookies = secureCookies;
        this.keys = keys;
        this.loopback = loopback;
        this.requireKeys = requireKeys;
        this.timeout = timeout;
        this.attemptsPerMinute = attemptsPerMinute;
        this.clock = clock;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** True while anyone may come in: bound to loopback, keys not required and none exists. */
    boolean open() {
        return loopback && !requireKeys && !keys.anyActive();
    }

    /** The principal of {@code ctx}, if it is authenticated (or the server is open). */
    Optional<Principal> principal(Context ctx) {
        String authorization = ctx.header("Authorization");
        // only a bearer key is ours: another scheme (a proxy's basic auth in front of the dashboard, which the browser
        // then sends on every request) says nothing about who may come in here, so the session or open server decides
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return keys.authenticate(authorization.substring(7).strip())
                    .map(k -> new Principal(k.name(), k.role(), false, true, false));
        }
        Session s = session(ctx);
        if (s != null) {
            return Optional.of(new Principal(s.keyName(), s.role(), true, false, false));
        }
        if (open() && fromThisMachine.test(ctx)) {
            return Optional.of(new Principal("local", Role.ADMIN, false, false, true));
        }
        return Optional.empty();
    }

    /**
     * A check, for a long answer to {@code ctx} (a live log stream), that whoever asked may still read: its bearer key
     * has not been revoked; its session has not ended (logged out, timed out, its key revoked); or, asked of the open
     * server, the server is still open (no key has been made since).
     */
    java.util.function.BooleanSupplier stillAllowed(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return () -> keys.authenticate(token).isPresent();
        }
        Session s = session(ctx);
        if (s != null) {
            return () -> live(s.id()) != null;
        }
        return this::open;
    }

    private @Nullable Session session(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        Session s = id == null || id.isEmpty() ? null : live(id);
        if (s != null) {
            s.lastUsed()[0] = clock.millis();
        }
        return s;
    }

    /** The session {@code id} if it has not ended (logged out, timed out, its key revoked); an ended one is forgotten. */
    private @Nullable Session live(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        // timed out, or a revoked key ends its sessions
        if (clock.millis() - s.lastUsed()[0] > timeout.toMillis() || !keys.isActive(s.keyId())) {
            sessions.remove(id);
            return null;
        }
        return s;
    }

    /** The CSRF token of {@code ctx}: the session's, else the cookie's, else a new one set as a cookie. */
    String csrf(Context ctx) {
        Session s = session(ctx);
        if (s != null) {
            return s.csrf();
        }
        String c = ctx.cookie(CSRF_COOKIE);
        if (c != null && c.length() >= 20) {
            return c;
        }
        String token = random(24);
        setCookie(ctx, CSRF_COOKIE, token, -1);
        ctx.attribute(CSRF_COOKIE, token);
        return token;
    }

    /**
     * Whether a state-changing request carries the right CSRF token. Bearer requests need none, nor does a
     * request to a server without keys that no browser sent (no session, no {@code Origin}, {@code Referer} or
     * {@code Sec-Fetch-Site}: a script or the {@code sluice} command): there is no cookie or session a page could
     * have made it use, and the host check keeps other sites' pages (DNS rebinding) out.
     */
    boolean csrfOk(Context ctx, @Nullable Principal principal) {
        if (principal != null && principal.bearer()) {
            return true;
        }
        if (principal != null && principal.open() && session(ctx) == null && ctx.header("Origin") == null
                && ctx.header("Referer") == null && ctx.header("Sec-Fetch-Site") == null) {
            return true;
        }
        String sent = ctx.header(CSRF_HEADER);
        if (sent == null || sent.isEmpty()) {
            String type = ctx.contentType();
            if (type != null && (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data"))) {
                sent = ctx.formParam(CSRF_FIELD);
            }
        }
        if (sent == null || sent.isEmpty()) {
            return false;
        }
        Session s = session(ctx);
        String expected = s != null ? s.csrf() : ctx.cookie(CSRF_COOKIE);
        return expected != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                sent.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code ip} may try to log in now. */
    boolean loginAllowed(String ip) {
        Attempts a = attempts.get(ip);
        long now = clock.millis();
        return a == null || now - a.windowStart() >= 60_000 || a.failures() < attemptsPerMinute;
    }

    /** Logs in with {@code token}: a new session whose id and CSRF token are set as cookies; empty if the key is wrong. */
    Optional<ApiKey> login(Context ctx, String token) {
        String ip = ctx.ip();
        Optional<ApiKey> key = token.isBlank() ? Optional.empty() : keys.authenticate(token);
        if (key.isEmpty()) {
            long now = clock.millis();
            attempts.compute(ip, (k, a) -> a == null || now - a.windowStart() >= 60_000 ? new Attempts(now, 1)
                    : new Attempts(a.windowStart(), a.failures() + 1));
            return Optional.empty();
        }
        attempts.remove(ip);
        Session old = session(ctx);
        if (old != null) {
            sessions.remove(old.id());
        }
        String id = random(32);
        String csrf = random(24);
        sessions.put(id, new Session(id, key.get().id(), key.get().name(), key.get().role(), csrf, new long[] {clock.millis()}));
        if (attempts.size() > 10_000) {
            long now = clock.millis();
            attempts.values().removeIf(a -> now - a.windowStart() >= 60_000);
        }
        if (sessions.size() > 100_000) {
            long now = clock.millis();
            sessions.values().removeIf(s -> now - s.lastUsed()[0] > timeout.toMillis());
        }
        setCookie(ctx, SESSION_COOKIE, id, -1);
        setCookie(ctx, CSRF_COOKIE, csrf, -1);
        return key;
    }

    /** Ends the session of {@code ctx} and clears its cookies. */
    void logout(Context ctx) {
        String id = ctx.cookie(SESSION_COOKIE);
        if (id != null) {
            sessions.remove(id);
        }
        setCookie(ctx, SESSION_COOKIE, "", 0);
        setCookie(ctx, CSRF_COOKIE, "", 0);
    }

    private void setCookie(Context ctx, String name, String value, int maxAge) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=/; HttpOnly; SameSite=Strict");
        if (maxAge >= 0) {
            c.append("; Max-Age=").append(maxAge);
        }
        if (secureCookies || "https".equalsIgnoreCase(ctx.scheme())) {
            c.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }
}
