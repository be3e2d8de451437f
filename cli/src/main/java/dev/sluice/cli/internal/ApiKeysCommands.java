package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.SluiceCli;
import dev.sluice.server.ApiKey;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice api-keys create|ls|revoke}. */
final class ApiKeysCommands {
    private ApiKeysCommands() {
    }

    @Command(name = "api-keys", description = "Keys for the dashboard and the JSON API, with roles viewer, operator, admin.",
            subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("create", new Create(cli)).addSubcommand("ls", new Ls(cli))
                .addSubcommand("revoke", new Revoke(cli));
    }

    @Command(name = "create", description = "Creates a key and prints it once (only its hash is stored).")
    static final class Create implements Runnable {
        private final Cli cli;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;

        @Option(names = "--name", paramLabel = "NAME", description = "What the key is for (default: the role and the date, and -2,"
                + " -3, ... when an active key has that name).")
        @Nullable String name;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Create(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Role r;
            try {
                r = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new CliException(SluiceCli.USAGE, e.getMessage());
            }
            String byDefault = r.id() + "-" + java.time.LocalDate.now(cli.clock);
            Remote remote = cli.remote();
            String n;
            String id;
            String token;
            if (remote != null) {
                n = name != null ? name : free(byDefault, activeNames(cli, remote));
                JsonNode made = remote.post("/api/keys", Map.of("name", n, "role", r.id()));
                id = made.path("key").path("id").asText(made.path("id").asText());
                token = made.path("token").asText();
            } else {
                try (ApiKeys keys = ApiKeys.open(cli.database())) {
                    n = name != null ? name : free(byDefault, keys.list().stream().filter(ApiKey::isActive).map(ApiKey::name)
                            .collect(java.util.stream.Collectors.toSet()));
                    NewApiKey made = keys.create(n, r);
                    id = made.key().id();
                    token = made.token().reveal();
                }
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("id", id);
                doc.put("name", n);
                doc.put("role", r.id());
                doc.put("token", token);
                Output.json(cli, doc);
                return;
            }
            cli.out.println(token);
            cli.err.println("Created API key " + id + " (" + r.id() + ", '" + n + "'). It is shown once: keep it in a secret store;"
                    + " clients send it as 'Authorization: Bearer <key>', the CLI reads it from SLUICE_API_KEY.");
        }
    }

    /**
     * The default name, {@code base} (the role and the date), or, when an active key has it (a second key of that role
     * made the same day), the first of {@code base-2}, {@code base-3}, ... that none has: names are unique among the
     * active keys, and the user gave none to clash.
     */
    static String free(String base, java.util.Set<String> taken) {
        if (!taken.contains(base)) {
            return base;
        }
        for (int i = 2; ; i++) {
            String n = base + "-" + i;
            if (!taken.contains(n)) {
                return n;
            }
        }
    }

    /** The keys {@code remote} holds, as its JSON API lists them. */
    static List<ApiKey> list(Cli cli, Remote remote) {
        JsonNode doc = remote.list("/api/keys", Map.of());
        JsonNode items = doc == null ? cli.json.createArrayNode() : doc.isArray() ? doc : doc.has("keys") ? doc.get("keys") : doc.path("items");
        List<ApiKey> keys = new java.util.ArrayList<>();
        for (JsonNode k : items) {
            try {
                keys.add(cli.jsonIn.treeToValue(k, ApiKey.class));
            } catch (java.io.IOException e) {
                throw new CliException(SluiceCli.FAILED, "the server's keys do not read (" + e.getMessage() + ")");
            }
        }
        return keys;
    }

    private static java.util.Set<String> activeNames(Cli cli, Remote remote) {
        return list(cli, remote).stream().filter(ApiKey::isActive).map(ApiKey::name).collect(java.util.stream.Collectors.toSet());
    }

    @Command(name = "ls", description = "Lists the keys: id, name, role, created, revoked (never the keys themselves).")
    static final class Ls implements Runnable {
        private final Cli cli;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Ls(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            List<ApiKey> keys;
            if (remote != null) {
                keys = list(cli, remote);
            } else {
                try (ApiKeys store = ApiKeys.open(Cli.existing(cli.database()))) { // listing makes no database
                    keys = store.list();
                }
            }
            if (json) {
                Output.json(cli, keys);
                return;
            }
            if (keys.isEmpty()) {
                cli.out.println("No API keys: without keys the server binds to loopback only. Create one with"
                        + " sluice api-keys create --role admin.");
                return;
            }
            Table t = new Table("ID", "NAME", "ROLE", "CREATED", "REVOKED");
            for (ApiKey k : keys) {
                t.row(k.id(), k.name(), k.role().id(), Runs.time(k.createdAt()), k.revokedAt() == null ? "-" : Runs.time(k.revokedAt()));
            }
            t.print(cli.out, cli.colour());
        }
    }

    @Command(name = "revoke", description = "Revokes a key: it stops working at once.")
    static final class Revoke implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "ID", description = "The key's id or name, as sluice api-keys ls prints it.")
        String id;

        Revoke(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            boolean revoked;
            if (remote != null) {
                String seg = Remote.idSegment(id);
                revoked = seg != null && remote.delete("/api/keys/" + seg);
            } else {
                try (ApiKeys keys = ApiKeys.open(Cli.existing(cli.database()))) { // nor does revoking
                    revoked = keys.revoke(id);
                }
            }
            if (!revoked) {
                throw new CliException(SluiceCli.NOT_FOUND, "no active API key has id or name '" + id + "' (sluice api-keys ls lists them)");
            }
            cli.out.println("Revoked API key " + id + ".");
        }
    }
}
