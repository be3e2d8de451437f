package dev.sluice.server;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.internal.Deployments;
import dev.sluice.server.internal.WebApp;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sluice dashboard and JSON API over a run history: runs with filters and an activity chart, run
 * details with live logs, deployments (run forms built from their parameter schemas, backfills, pause
 * and resume, cancel and run again), workers, saved blocks (secret values never leave the server), API keys.
 *
 * <pre>{@code
 * try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(4200).build())) {
 *     server.await(); // until close() or the JVM ends
 * }
 * }</pre>
 *
 * <p><b>Security.</b> While no API key exists (see {@link ApiKeys}), the server lets anyone on its
 * machine in as {@link Role#ADMIN} (a request naming a proxy's allowed host name is not from this machine: it needs a
 * key) and refuses to bind anything but a loopback address. On a loopback
 * address it answers only requests naming this machine in their {@code Host} header (or a name given to
 * {@link ServerOptions.Builder#allowedHosts}), so a web page whose name is made to resolve to 127.0.0.1 (DNS
 * rebinding) is refused. Once a key exists, every page and API route needs one: API clients send
 * {@code Authorization: Bearer <key>}, people log in on the dashboard with a key and get a session cookie
 * ({@code HttpOnly}, {@code SameSite=Strict}). Every state-changing request from a browser carries a CSRF
 * token and comes from the server's own origin. Pages are served with a Content-Security-Policy that allows
 * no inline script.
 */
public final class SluiceServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);

    private final WebApp web;
    private final ApiKeys keys;
    private final @Nullable History ownHistory;
    private final URI url;
    private final Deployments deployments;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final int port;

    private SluiceServer(WebApp web, ApiKeys keys, @Nullable History ownHistory, URI url, Deployments deployments) {
        this.web = web;
        this.port = web.port();
        this.deployments = deployments;
        this.keys = keys;
        this.ownHistory = ownHistory;
        this.url = url;
    }

    /**
     * Opens the database (creating the API key tables on first use), binds the address and serves;
     * prints the URL unless {@link ServerOptions.Builder#printUrl} is off.
     *
     * @throws ServerException if the address is not loopback while no API key exists, the port is taken (its
     *         cause then a {@link java.net.BindException}), or the API key tables cannot be made
     * @throws dev.sluice.history.HistoryException if the run history database cannot be used
     */
    public static SluiceServer start(ServerOptions options) {
        Objects.requireNonNull(options, "options");
        boolean loopback = isLoopback(options.host());
        HistoryDatabase database = options.database();
        History own = null;
        ApiKeys keys = null;
        Deployments deployments = new Deployments(database, options.clock());
        try {
            History history = options.history().orElse(null);
            if (history == null) {
                own = History.open(database);
                history = own;
            }
            keys = ApiKeys.openBeside(database, options.clock());
            if (!loopback && !keys.anyActive()) {
                throw new ServerException("refusing to serve on " + options.host() + " without API keys: anyone who can"
                        + " reach that address would see every run; create a key first (ApiKeys.open(database)"
                        + ".create(name, Role.ADMIN), or 'sluice api-keys create --role admin'), or bind 127.0.0.1");
            }
            WebApp web = WebApp.start(new WebApp.Settings(options.host(), options.port(), history, keys.store(),
                    options.blockStore(), loopback, options.requireApiKeys(), options.sessionTimeout(),
                    options.loginAttemptsPerMinute(), options.secureCookies(), options.listCache(), options.clock(),
                    deployments, options.staleWorkerAfter(), options.threads(), options.allowedHosts()));
            URI url = url(options.host(), web.port());
            SluiceServer server = new SluiceServer(web, keys, own, url, deployments);
            if (options.printUrl()) {
                System.out.println("Sluice server: " + url + " (runs from " + history.description() + ")");
            }
            LOG.info("Sluice server at {} over {} ({})", url, history.description(),
                    keys.anyActive() ? "API keys required" : options.requireApiKeys() ? "API keys required, none yet"
                            : "no API keys yet: open to this machine only");
            return server;
        } catch (RuntimeException e) {
            deployments.close();
            if (keys != null) {
                keys.close();
            }
            if (own != null) {
                own.close();
            }
            throw e;
        }
    }

    private static URI url(String host, int port) {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0") || h.equals("[::]")) {
            h = "127.0.0.1";
        }
        return URI.create("http://" + h + ":" + port + "/");
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new ServerException("cannot resolve the host '" + host + "' to bind: " + e.getMessage(), e);
        }
    }

    /** The address the dashboard is at, such as {@code http://127.0.0.1:4200/}. */
    public URI url() {
        return url;
    }

    /** The port bound (the free port chosen when the options asked for 0); the same after {@link #close()}. */
    public int port() {
        return port;
    }

    /** The API keys of this server's database. Usable until the server is closed. */
    public ApiKeys apiKeys() {
        return keys;
    }

    java.util.List<dev.sluice.server.internal.RouteDef> routesForTests() {
        return web.routes();
    }

    /** Blocks until {@link #close()} is called (from another thread or a shutdown hook). */
    public void await() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops serving, closes live log streams, the key store and the history the server opened, and stops the threads
     * the server started (none is left that keeps the JVM running: a {@code main} that closed its server and returns
     * ends the program). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        try {
            web.stop();
        } finally {
            deployments.close();
            if (ownHistory != null) {
                ownHistory.close();
            }
            keys.close();
            closed.countDown();
        }
    }

    @Override
    public String toString() {
        return "SluiceServer[" + url + "]";
    }
}
