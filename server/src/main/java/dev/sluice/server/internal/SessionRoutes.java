package dev.sluice.server.internal;

import dev.sluice.server.ApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.LoginView;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Logging in and out, static files, who is asking, and the OpenAPI document. */
final class SessionRoutes {
    private static final String HTMX = "META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js";
    private static final String SSE = "META-INF/resources/webjars/htmx-ext-sse/2.2.2/sse.js";
    private final Web web;
    private final Auth auth;
    private final Map<String, byte[]> staticFiles = new ConcurrentHashMap<>();

    private final dev.sluice.history.History history;

    SessionRoutes(Web web, Auth auth, dev.sluice.history.History history) {
        this.web = web;
        this.auth = auth;
        this.history = history;
    }

    void register(io.javalin.config.RoutesConfig r) {
        web.route(r, "GET", "/", null, false, "Redirects to the runs page", List.of(), "", (ctx, who) -> ctx.redirect("/runs"));
        web.route(r, "GET", "/static/{file}", null, false, "Style sheet and scripts", List.of(), "", this::staticFile);
        web.route(r, "GET", "/login", null, false, "The login form", List.of("next"), "", this::loginPage);
        web.route(r, "POST", "/login", null, false, "Logs in with an API key: a session cookie", List.of(), "", this::login);
        web.route(r, "POST", "/logout", null, false, "Ends the session", List.of(), "", this::logout);
        web.route(r, "GET", "/api/openapi.json", null, true, "This document", List.of(), "", this::openApi);
        web.route(r, "GET", "/api/health", null, true, "Whether the server can answer from its database: 200, or 503 saying"
                + " why", List.of(), "Health", this::health);
        web.route(r, "GET", "/api/me", Role.VIEWER, true, "Who is asking, with what role", List.of(), "Me", this::me);
    }

    /**
     * 200 {@code {"status": "ok"}} when the database answers a read of the runs and of the keys (a corrupted file
     * fails them); a 503 otherwise, from {@link Web}'s answer to a database failure (a file gone is refused before).
     */
    private void health(Context ctx, @Nullable Principal who) {
        history.flowRuns(dev.sluice.history.FlowRunQuery.all().limit(1));
        auth.keys().anyActiveNow();
        Web.json(ctx, Json.MAPPER.createObjectNode().put("status", "ok"));
    }

    private void staticFile(Context ctx, @Nullable Principal who) {
        String file = ctx.pathParam("file");
        String resource = switch (file) {
            case "htmx.min.js" -> HTMX;
            case "sse.js" -> SSE;
            case "sluice.css" -> "dev/sluice/server/static/" + file;
            default -> throw HttpError.notFound("no static file " + Fmt.cut(file, 80));
        };
        byte[] bytes = staticFiles.computeIfAbsent(resource, res -> {
            try (InputStream in = WebApp.class.getClassLoader().getResourceAsStream(res)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + res);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType(file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");
        ctx.result(bytes);
    }

    /**
     * {@code next} when it is a path of this server: a single {@code /} then a character other than {@code /} or
     * {@code \\}, with no control character or backslash anywhere (browsers drop tabs and line breaks, so
     * {@code /<TAB>/evil.example} would become {@code //evil.example}); anything else is {@code /}.
     */
    static String safeNext(@Nullable String next) {
        if (next == null || !next.startsWith("/") || next.length() > 2_000) {
            return "/";
        }
        if (next.length() > 1 && (next.charAt(1) == '/' || next.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                return "/";
            }
        }
        return next;
    }

    private void loginPage(Context ctx, @Nullable Principal who) {
        web.render(ctx, "login.jte", web.page(ctx, who, "Log in", "login"), new LoginView(safeNext(ctx.queryParam("next")), null));
    }

    private void login(Context ctx, @Nullable Principal who) {
        String next = safeNext(ctx.formParam("next"));
        if (!auth.loginAllowed(ctx.ip())) {
            ctx.status(429).header("Retry-After", "60");
            web.render(ctx, "login.jte", web.page(ctx, who, "Log in", "login"),
                    new LoginView(next, "Too many failed attempts from this address: wait a minute."));
            return;
        }
        String key = ctx.formParam("key");
        Optional<ApiKey> k = auth.login(ctx, key == null ? "" : key.strip());
        if (k.isEmpty()) {
            ctx.status(401);
            web.render(ctx, "login.jte", web.page(ctx, null, "Log in", "login"), new LoginView(next, "That key is not valid."));
            return;
        }
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx, @Nullable Principal who) {
        auth.logout(ctx);
        ctx.redirect("/login", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void openApi(Context ctx, @Nullable Principal who) {
        ctx.header("Cache-Control", "no-store");
        Web.json(ctx, OpenApi.document(web.routes()));
    }

    private void me(Context ctx, Principal who) {
        Web.json(ctx, Map.of("name", who.name(), "role", who.role().id(), "open", who.open()));
    }
}
