package dev.sluice.server.internal;

import dev.sluice.history.History;
import dev.sluice.server.ServerException;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import io.javalin.Javalin;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The server's routes, pages and API on Javalin: the routes live in {@link SessionRoutes}, {@link RunRoutes},
 * {@link DeploymentRoutes}, {@link WorkerRoutes} and {@link AdminRoutes}.
 */
public final class WebApp {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

    /** The settings of one server. */
    public record Settings(String host, int port, History history, KeyStore keys, dev.sluice.block.BlockStore blockStore,
            boolean loopback, boolean requireKeys, Duration sessionTimeout, int loginAttemptsPerMinute, boolean secureCookies,
            Duration listCache, Clock clock, Deployments deployments, Duration staleWorkerAfter, int threads,
            List<String> allowedHosts) {
    }

    /** The largest request body taken (Javalin's default): a larger one is a 413. */
    static final long MAX_BODY_BYTES = 1_000_000;

    private static final java.util.concurrent.atomic.AtomicInteger SERVERS = new java.util.concurrent.atomic.AtomicInteger();
    private final Web web;
    private final LogStreams streams;
    private final Javalin app;
    /** Javalin's asynchronous answers (a live log stream's start): daemon threads, stopped with the server. */
    private final java.util.concurrent.ExecutorService async;

    private WebApp(Settings settings) {
        HostCheck hosts = new HostCheck(settings.host(), settings.loopback(), settings.allowedHosts());
        Auth auth = new Auth(settings.keys(), settings.loopback(), settings.requireKeys(), settings.sessionTimeout(),
                settings.loginAttemptsPerMinute(), settings.secureCookies(), settings.clock(), hosts::namesThisMachine);
        TemplateEngine templates = TemplateEngine.createPrecompiled(null, ContentType.Html, WebApp.class.getClassLoader(),
                "dev.sluice.server.internal.templates");
        this.web = new Web(auth, templates, hosts, new FileGuard(settings.keys().config().sqliteFile().orElse(null)));
        RunParameters parameters = new RunParameters(settings.keys().dataSource());
        this.streams = new LogStreams(settings.history(), parameters);
        SessionRoutes session = new SessionRoutes(web, auth, settings.history());
        RunRoutes runs = new RunRoutes(web, settings, parameters, streams, templates);
        DeploymentRoutes deployments = new DeploymentRoutes(web, settings);
        WorkerRoutes workers = new WorkerRoutes(web, settings);
        AdminRoutes admin = new AdminRoutes(web, settings, new BlockViews(settings.blockStore()));
        int serverNumber = SERVERS.incrementAndGet();
        java.util.concurrent.atomic.AtomicInteger asyncThreads = new java.util.concurrent.atomic.AtomicInteger();
        // Javalin's default pool for these has threads that are no daemons and live a minute idle, past stop(): a program
        // that closed its server and returned from main kept running that minute
        this.async = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sluice-server-" + serverNumber + "-async-" + asyncThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.app = Javalin.create(config -> {
            config.concurrency.executor = kotlin.LazyKt.lazyOf(new io.javalin.http.util.AsyncExecutor(async));
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.startup.startupWatcherEnabled = false; // its thread (not a daemon) sleeps 5 s: a main that closed the server exited that late
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            // few threads taking requests in arrival order: with hundreds of clients, a thread each shares the cores so
            // unevenly that the slowest answers wait several times as long as the typical one
            org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(
                    settings.threads(), Math.min(8, settings.threads()), 60_000);
            pool.setName("sluice-server-" + serverNumber); // its threads: sluice-server-<server>-<thread>
            config.jetty.threadPool = pool;
            config.http.maxRequestSize = MAX_BODY_BYTES;
            // a multipart form is not read through maxRequestSize (Javalin's default parts have no limit, and a file part
            // over 1 MB spools to disk): the same limit, all in memory, so that no form reads more than any other body
            config.jetty.multipartConfig.maxTotalRequestSize(MAX_BODY_BYTES, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxFileSize(MAX_BODY_BYTES, io.javalin.config.SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize((int) MAX_BODY_BYTES, io.javalin.config.SizeUnit.BYTES);
            // a request Jetty cannot read (a malformed escape in the path, a URI or headers too long) never reaches a
            // route: answer it as every error is answered, JSON with the security headers, not Jetty's HTML page
            config.jetty.modifyServer(server -> server.setErrorHandler(new ProtocolErrors()));
            config.routes.before(Web::securityHeaders);
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty() || ctx.result().startsWith("Endpoint ")) {
                    web.renderError(ctx, 404, "Not found", "nothing at " + Fmt.cut(ctx.path(), 200));
                }
            });
            // a path that exists under other methods: 405 with those methods in Allow, not 404
            config.http.prefer405over404 = true;
            config.routes.error(405, ctx -> {
                List<String> allowed = web.methodsOf(ctx.path());
                if (allowed.isEmpty()) { // no route of ours takes this path under any method
                    web.renderError(ctx, 404, "Not found", "nothing at " + Fmt.cut(ctx.path(), 200));
                    return;
                }
                ctx.header("Allow", String.join(", ", allowed));
                web.renderError(ctx, 405, "Method not allowed", ctx.method() + " is not allowed here; " + String.join(", ", allowed)
                        + " is");
            });
            session.register(config.routes);
            runs.register(config.routes);
            deployments.register(config.routes);
            workers.register(config.routes);
            admin.register(config.routes);
        });
    }

    /** The answer to a request that could not be read as HTTP, whose path is therefore unknown: the API's error JSON. */
    private static final class ProtocolErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                int code, String message, Throwable cause, org.eclipse.jetty.util.Callback callback) {
            String title = Web.title(code);
            byte[] body = Json.write(Json.MAPPER.createObjectNode().put("status", code).put("error", title)
                    .put("message", "the request could not be read (" + title + "): check its path and query are escaped"
                            + " and not too long")).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            org.eclipse.jetty.http.HttpFields.Mutable headers = response.getHeaders();
            headers.put("Content-Type", "application/json");
            headers.put("Content-Security-Policy", CSP);
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("X-Frame-Options", "DENY");
            headers.put("Referrer-Policy", "same-origin");
            headers.put("Cache-Control", "no-store");
            headers.put("Content-Length", String.valueOf(body.length));
            response.write(true, java.nio.ByteBuffer.wrap(body), callback);
        }
    }

    /** Starts a server with {@code settings}. */
    public static WebApp start(Settings settings) {
        WebApp web = new WebApp(settings);
        try {
            web.app.start();
        } catch (RuntimeException e) {
            web.streams.close();
            web.async.shutdownNow();
            Throwable t = e;
            while (t.getCause() != null && t.getCause() != t && !(t instanceof java.net.BindException)) {
                t = t.getCause();
            }
            if (t instanceof java.net.BindException bind) {
                throw new ServerException("cannot start the server on " + settings.host() + ":" + settings.port()
                        + ": the port is in use (is another server running?); choose another port", bind);
            }
            throw new ServerException("cannot start the server on " + settings.host() + ":" + settings.port() + ": "
                    + Web.rootMessage(e), e);
        }
        return web;
    }

    /** The port bound. */
    public int port() {
        return app.port();
    }

    /** Every route, as the OpenAPI document lists them. */
    public List<RouteDef> routes() {
        return web.routes();
    }

    /** Stops serving. */
    public void stop() {
        streams.close();
        app.stop();
        async.shutdownNow();
    }
}
