package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.SluiceCli;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A Sluice server's JSON API ({@code --server URL}, the key from {@code SLUICE_API_KEY}). */
final class Remote {
    /** The environment variable holding the API key sent to a server. */
    static final String KEY_VARIABLE = "SLUICE_API_KEY";

    private final Cli cli;
    private final URI base;
    private final @Nullable String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Remote(Cli cli, String url, @Nullable String key) {
        this.cli = cli;
        String u = url.strip();
        URI parsed;
        try {
            parsed = URI.create(u.endsWith("/") ? u : u + "/");
        } catch (IllegalArgumentException e) {
            throw new CliException(SluiceCli.USAGE, "--server must be a URL such as http://127.0.0.1:4200, was '" + shown(u) + "'");
        }
        if (parsed.getRawUserInfo() != null || parsed.getRawQuery() != null || parsed.getRawFragment() != null) {
            // never sent (the key goes as a bearer token), and never to be printed in a message
            throw new CliException(SluiceCli.USAGE, "--server takes the server's address only, such as https://"
                    + (parsed.getHost() == null ? "dash.example" : parsed.getHost()) + "/, without a user, password, query or"
                    + " fragment: the API key comes from " + KEY_VARIABLE);
        }
        if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))) {
            throw new CliException(SluiceCli.USAGE, "--server must be an http or https URL, was '" + shown(u) + "'");
        }
        this.base = parsed;
        this.key = key == null || key.isBlank() ? null : key.strip();
        if (this.key != null && this.key.length() >= 8) {
            // masked in anything printed from here on; a shorter text is no key of a server's (it answers 401), and
            // revealing it would only warn that a secret that short cannot be masked
            dev.sluice.block.Secret.of(this.key).reveal();
        }
    }

    /** {@code url} to print: without what stands before an {@code @} (a user and password) nor after a {@code ?}. */
    private static String shown(String url) {
        return url.replaceAll("^([^/]*//)[^/]*@", "$1...@").replaceAll("[?#].*$", "");
    }

    /**
     * {@code id} as one path segment, or null when it cannot name anything on a server (whose run, deployment run and
     * key ids and key names are up to 64 letters, digits, {@code -}, {@code _}, {@code .} or {@code :}): such an id is
     * not found, as on the database, and never reaches another route ({@code ../keys}) or breaks the URL ({@code a b}).
     */
    static @Nullable String idSegment(String id) {
        if (id.isEmpty() || id.length() > 64 || !id.matches("[A-Za-z0-9_.:-]+") || id.equals(".") || id.equals("..")) {
            return null;
        }
        return id.replace(":", "%3A");
    }

    /** {@code GET path?query}: the JSON answer, or null for 404. */
    @Nullable JsonNode get(String path, Map<String, List<String>> query) {
        return send("GET", path + queryString(query), null, true);
    }

    /**
     * {@code GET path?query} of a collection every Sluice server has ({@code /api/runs}, {@code /api/blocks}...): a 404
     * is no "none", but a URL that is not a Sluice server's (another service, a mistyped path), which is said as such.
     */
    JsonNode list(String path, Map<String, List<String>> query) {
        JsonNode answer = get(path, query);
        if (answer == null) {
            throw notSluice("GET " + path);
        }
        return answer;
    }

    private CliException notSluice(String request) {
        return new CliException(SluiceCli.UNREACHABLE, "no Sluice server API at " + base + " (" + request + " answered 404):"
                + " check --server or SLUICE_SERVER_URL, the address its dashboard has (such as http://127.0.0.1:4200)");
    }

    /** {@code POST path} with a JSON body. */
    JsonNode post(String path, Object body) {
        try {
            return send("POST", path, cli.json.writeValueAsString(body), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code POST path} with a JSON body: the answer, or null when the server answers 409 (the run has ended already). */
    @Nullable JsonNode postUnlessConflict(String path, Object body) {
        try {
            return send("POST", path, cli.json.writeValueAsString(body), false, true);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code DELETE path}: false for 404. */
    boolean delete(String path) {
        return send("DELETE", path, null, true) != null;
    }

    private @Nullable JsonNode send(String method, String path, @Nullable String body, boolean nullOn404) {
        return send(method, path, body, nullOn404, false);
    }

    private @Nullable JsonNode send(String method, String path, @Nullable String body, boolean nullOn404, boolean nullOn409) {
        URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException(SluiceCli.UNREACHABLE, "cannot reach the Sluice server at " + base + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(SluiceCli.FAILED, "interrupted while asking " + base);
        }
        int status = response.statusCode();
        JsonNode json = null;
        try {
            json = response.body().isBlank() ? cli.json.createObjectNode() : cli.json.readTree(response.body());
        } catch (IOException e) {
            if (status < 300) {
                throw new CliException(SluiceCli.UNREACHABLE, base + " answered " + method + " " + uri.getPath()
                        + " with something that is not JSON: is it a Sluice server? Check --server or SLUICE_SERVER_URL");
            }
        }
        if (status < 300) {
            return json;
        }
        String why = json != null && json.hasNonNull("message") ? json.get("message").asText()
                : json != null && json.hasNonNull("error") ? json.get("error").asText() : "HTTP " + status;
        if (status == 409 && nullOn409) {
            return null;
        }
        switch (status) {
            case 404:
                if (json == null || !json.hasNonNull("message")) {
                    throw notSluice(method + " " + path); // a Sluice server says what is not found, in JSON
                }
                if (nullOn404) {
                    return null;
                }
                throw new CliException(SluiceCli.NOT_FOUND, why);
            case 400:
            case 422:
                throw new CliException(SluiceCli.USAGE, why);
            case 401:
                throw new CliException(SluiceCli.FAILED, "the server at " + base + " wants an API key: "
                        + (key == null ? "set " + KEY_VARIABLE : "the one in " + KEY_VARIABLE + " was refused") + " (" + why + ")");
            case 403:
                throw new CliException(SluiceCli.FAILED, "the API key's role may not do this (" + why + ")");
            case 503:
                throw new CliException(SluiceCli.UNREACHABLE, "the server at " + base + " cannot reach its database (" + why + ")");
            case 502:
            case 504: // a proxy in front that cannot reach the Sluice server behind it
                throw new CliException(SluiceCli.UNREACHABLE, "the server at " + base + " answered " + status + ": a proxy"
                        + " in front of it cannot reach the Sluice server (" + why + ")");
            default:
                throw new CliException(SluiceCli.FAILED, "the server at " + base + " answered " + status + ": " + why);
        }
    }

    private static String queryString(Map<String, List<String>> query) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            for (String v : e.getValue()) {
                q.append(q.length() == 0 ? '?' : '&').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return q.toString();
    }

    @Override
    public String toString() {
        return base.toString();
    }
}
