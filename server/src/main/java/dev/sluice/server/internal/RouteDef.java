package dev.sluice.server.internal;

import dev.sluice.server.Role;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One route of the server: method, path (Javalin's {@code {id}} syntax), the role it needs ({@code null}:
 * none), and for the API its OpenAPI description. The OpenAPI document is made from these, and every
 * route is registered through one. Public for the tests.
 *
 * @param method {@code GET}, {@code POST} or {@code DELETE}
 * @param path the path
 * @param role the least role, or null for routes open to anyone (login, static files, the OpenAPI document)
 * @param api whether it is a JSON API route (else an HTML page)
 * @param summary what it does, for the OpenAPI document
 * @param query the query parameters it reads
 * @param response the name of the response schema (OpenAPI), or "" for none
 */
public record RouteDef(String method, String path, @Nullable Role role, boolean api, String summary, List<String> query,
        String response) {
}
