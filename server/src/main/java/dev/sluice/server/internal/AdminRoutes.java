package dev.sluice.server.internal;

import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.BlocksView;
import dev.sluice.server.internal.Views.KeysView;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Blocks (secrets masked; admins delete) and API keys (admins), as pages and API. */
final class AdminRoutes {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");
    private final Web web;
    private final WebApp.Settings settings;
    private final BlockViews blocks;

    AdminRoutes(Web web, WebApp.Settings settings, BlockViews blocks) {
        this.web = web;
        this.settings = settings;
        this.blocks = blocks;
    }

    void register(io.javalin.config.RoutesConfig r) {
        web.route(r, "GET", "/blocks", Role.VIEWER, false, "Saved blocks, secrets masked", List.of(), "", this::blocksPage);
        web.route(r, "POST", "/blocks/{type}/{name}/delete", Role.ADMIN, false, "Deletes a saved block", List.of(), "",
                this::blockDelete);
        web.route(r, "GET", "/keys", Role.ADMIN, false, "API keys", List.of(), "", this::keysPage);
        web.route(r, "POST", "/keys", Role.ADMIN, false, "Creates an API key", List.of(), "", this::keysCreate);
        web.route(r, "POST", "/keys/{id}/revoke", Role.ADMIN, false, "Revokes an API key", List.of(), "", this::keysRevoke);
        web.route(r, "GET", "/api/blocks", Role.VIEWER, true, "Saved blocks with their non-secret fields", List.of(),
                "Blocks", this::apiBlocks);
        web.route(r, "DELETE", "/api/blocks/{type}/{name}", Role.ADMIN, true, "Deletes a saved block", List.of(), "",
                this::apiBlockDelete);
        web.route(r, "GET", "/api/keys", Role.ADMIN, true, "API keys (never the keys themselves)", List.of(), "Keys",
                this::apiKeys);
        web.route(r, "POST", "/api/keys", Role.ADMIN, true, "Creates an API key; the answer holds it, once", List.of(),
                "NewKey", this::apiKeyCreate);
        web.route(r, "DELETE", "/api/keys/{id}", Role.ADMIN, true, "Revokes an API key", List.of(), "", this::apiKeyRevoke);
    }

    private void blocksPage(Context ctx, Principal who) {
        web.render(ctx, "blocks.jte", web.page(ctx, who, "Blocks", "blocks"), new BlocksView(blocks.description(), blocks.all(),
                blocks.writable() && who.role().allows(Role.ADMIN)));
    }

    private dev.sluice.block.BlockId blockId(Context ctx) {
        try {
            return new dev.sluice.block.BlockId(ctx.pathParam("type"), ctx.pathParam("name"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private void blockDelete(Context ctx, Principal who) {
        dev.sluice.block.BlockId id = blockId(ctx);
        if (!blocks.delete(id)) {
            throw HttpError.notFound("no saved block " + id);
        }
        LOG.info("block {} deleted by '{}'", id, who.name());
        ctx.redirect("/blocks", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void apiBlockDelete(Context ctx, Principal who) {
        dev.sluice.block.BlockId id = blockId(ctx);
        if (!blocks.delete(id)) {
            throw HttpError.notFound("no saved block " + id);
        }
        LOG.info("block {} deleted by '{}'", id, who.name());
        ctx.status(204);
    }

    private void keysPage(Context ctx, Principal who) {
        web.render(ctx, "keys.jte", web.page(ctx, who, "API keys", "keys"), new KeysView(settings.keys().list(), null, null, null));
    }

    private void keysCreate(Context ctx, Principal who) {
        String name = ctx.formParam("name");
        Role role;
        NewApiKey created;
        try {
            role = Role.parse(ctx.formParam("role"));
            created = settings.keys().create(name == null ? "" : name.strip(), role);
        } catch (IllegalArgumentException e) {
            ctx.status(400);
            web.render(ctx, "keys.jte", web.page(ctx, who, "API keys", "keys"),
                    new KeysView(settings.keys().list(), null, null, e.getMessage()));
            return;
        }
        LOG.info("API key '{}' created by '{}'", created.key().name(), who.name());
        String token = created.token().reveal();
        web.render(ctx, "keys.jte", web.page(ctx, who, "API keys", "keys"),
                new KeysView(settings.keys().list(), created.key().name(), token, null), token);
    }

    private void keysRevoke(Context ctx, Principal who) {
        String id = ctx.pathParam("id");
        if (!settings.keys().revoke(id)) {
            throw HttpError.notFound("no active API key with id " + Fmt.cut(id, 40));
        }
        ctx.redirect("/keys", io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void apiBlocks(Context ctx, Principal who) {
        Web.json(ctx, Map.of("store", blocks.description(), "blocks", blocks.all()));
    }

    private void apiKeys(Context ctx, Principal who) {
        Web.json(ctx, Map.of("keys", settings.keys().list().stream().map(AdminRoutes::keyJson).toList()));
    }

    /** A key as the API shows it: its role by its lower-case id, as everywhere else in the API. */
    private static com.fasterxml.jackson.databind.node.ObjectNode keyJson(dev.sluice.server.ApiKey k) {
        com.fasterxml.jackson.databind.node.ObjectNode n = Json.MAPPER.valueToTree(k);
        n.put("role", k.role().id());
        return n;
    }

    private void apiKeyCreate(Context ctx, Principal who) {
        com.fasterxml.jackson.databind.JsonNode body = Web.jsonBody(ctx, "{\"name\": \"ci\", \"role\": \"operator\"}", "name", "role");
        NewApiKey created = settings.keys().create(text(body, "name"), Role.parse(text(body, "role")));
        LOG.info("API key '{}' created by '{}'", created.key().name(), who.name());
        ctx.status(201);
        Web.json(ctx, Map.of("key", keyJson(created.key()), "token", new Json.Unmasked(created.token().reveal())));
    }

    /** The text of {@code field} ({@code ""} when left out): a number or a list is refused, not taken as its text. */
    private static String text(com.fasterxml.jackson.databind.JsonNode body, String field) {
        String value = Web.text(body, field);
        return value == null ? "" : value;
    }

    private void apiKeyRevoke(Context ctx, Principal who) {
        String id = ctx.pathParam("id");
        if (!settings.keys().revoke(id)) {
            throw HttpError.notFound("no active API key with id " + Fmt.cut(id, 40));
        }
        ctx.status(204);
    }
}
