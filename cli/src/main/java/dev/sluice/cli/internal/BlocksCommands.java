package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockSchema;
import dev.sluice.block.Blocks;
import dev.sluice.cli.SluiceCli;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice blocks types|ls|show|create|rm}. */
final class BlocksCommands {
    static final String MASK = "**********";

    private BlocksCommands() {
    }

    @Command(name = "blocks", description = "Named configuration and credentials (blocks): list, show, create, remove.",
            subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("types", new Types(cli)).addSubcommand("ls", new Ls(cli))
                .addSubcommand("show", new Show(cli)).addSubcommand("create", new Create(cli)).addSubcommand("rm", new Rm(cli));
    }

    @Command(name = "types", description = "Lists the block types known here (on this command's class path), with their fields.")
    static final class Types implements Runnable {
        private final Cli cli;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Types(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            cli.requireLocal("blocks types");
            List<BlockSchema> types = cli.runtime().call(Blocks::types);
            if (json) {
                List<Map<String, Object>> doc = new ArrayList<>();
                for (BlockSchema s : types) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("slug", s.slug());
                    m.put("class", s.type().getName());
                    m.put("fields", s.fields());
                    doc.add(m);
                }
                Output.json(cli, doc);
                return;
            }
            Table t = new Table("TYPE", "FIELDS (? optional, * secret)");
            for (BlockSchema s : types) {
                List<String> fields = new ArrayList<>();
                for (BlockSchema.Field f : s.fields()) {
                    fields.add(f.name() + (f.required() ? "" : "?") + (f.secret() ? "*" : "") + ":" + f.type());
                }
                t.row(s.slug(), String.join(" ", fields));
            }
            t.print(cli.out, cli.colour());
        }
    }

    @Command(name = "ls", description = "Lists the saved blocks: type and name.")
    static final class Ls implements Runnable {
        private final Cli cli;

        @Option(names = "--type", paramLabel = "SLUG", description = "Only blocks of this type.")
        @Nullable String type;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Ls(Cli cli) {
            this.cli = cli;
        }

        /** A block as {@code --json} lists it: type, then name (in that order in every run). */
        private static Map<String, String> row(String type, String name) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("type", type);
            row.put("name", name);
            return row;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                JsonNode doc = remote.list("/api/blocks", Map.of());
                List<Map<String, String>> rows = new ArrayList<>();
                for (JsonNode b : doc == null ? cli.json.createArrayNode() : doc.path("blocks")) {
                    if (type == null || type.equals(b.path("type").asText())) {
                        rows.add(row(b.path("type").asText(), b.path("name").asText()));
                    }
                }
                if (json) {
                    Output.json(cli, rows);
                } else if (rows.isEmpty()) {
                    cli.out.println("No blocks saved in " + (doc == null ? remote : doc.path("store").asText()) + ".");
                } else {
                    Table t = new Table("TYPE", "NAME");
                    rows.forEach(r -> t.row(r.get("type"), r.get("name")));
                    t.print(cli.out, cli.colour());
                }
                return;
            }
            List<BlockId> ids = new ArrayList<>();
            for (BlockId id : cli.runtime().call(Blocks::list)) {
                if (type == null || id.type().equals(type)) {
                    ids.add(id);
                }
            }
            if (json) {
                List<Map<String, String>> doc = new ArrayList<>();
                for (BlockId id : ids) {
                    doc.add(row(id.type(), id.name()));
                }
                Output.json(cli, doc);
                return;
            }
            if (ids.isEmpty()) {
                cli.out.println("No blocks saved in " + cli.runtime().blockStore().description() + ".");
                return;
            }
            Table t = new Table("TYPE", "NAME");
            ids.forEach(id -> t.row(id.type(), id.name()));
            t.print(cli.out, cli.colour());
        }
    }

    /** The saved block {@code reference} names: {@code slug/name}, or a name saved under one type only. */
    static BlockId find(Cli cli, String reference) {
        List<BlockId> all = cli.runtime().call(Blocks::list);
        if (reference.contains("/")) {
            BlockId id = BlockId.parse(reference);
            if (!all.contains(id) && !saved(cli, id)) {
                throw new CliException(SluiceCli.NOT_FOUND, "no block '" + reference + "' is saved" + saved(all));
            }
            return id;
        }
        List<BlockId> named = all.stream().filter(id -> id.name().equals(reference)).toList();
        if (named.isEmpty()) {
            // the environment store lists 'warehouse-prod' as 'warehouse_prod' (its variable names cannot tell
            // them apart) and reads either: a block is found by the name it was meant to have
            named = all.stream().filter(id -> id.name().replace('-', '_').equals(reference.replace('-', '_')))
                    .map(id -> sameName(id, reference)).filter(id -> id != null && saved(cli, id)).toList();
        }
        if (named.isEmpty()) {
            throw new CliException(SluiceCli.NOT_FOUND, "no block named '" + reference + "' is saved" + saved(all));
        }
        if (named.size() > 1) {
            throw new CliException(SluiceCli.USAGE, "blocks of several types are named '" + reference + "': " + named
                    + "; name one as TYPE/NAME");
        }
        return named.get(0);
    }

    /** Whether block {@code id} can be read, although the store's list may spell its name otherwise. */
    private static boolean saved(Cli cli, BlockId id) {
        return cli.runtime().blockStore().read(id).isPresent();
    }

    private static @Nullable BlockId sameName(BlockId id, String name) {
        try {
            return new BlockId(id.type(), name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String saved(List<BlockId> all) {
        return all.isEmpty() ? " (none is)" : " (saved: " + all.stream().map(BlockId::toString).toList() + ")";
    }

    @Command(name = "show", description = "Shows a saved block's fields; secret values are shown as " + MASK + ".")
    static final class Show implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "BLOCK", description = "TYPE/NAME, or NAME when only one type has it.")
        String reference;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Show(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                JsonNode found = remoteFind(cli, remote, reference);
                if (json) {
                    // the shape the command gives on the store itself: fields as an object of their (masked) values
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("type", found.path("type").asText());
                    doc.put("name", found.path("name").asText());
                    ObjectNode fields = cli.json.createObjectNode();
                    for (JsonNode f : found.path("fields")) {
                        String value = f.path("value").asText();
                        JsonNode typed = com.fasterxml.jackson.databind.node.TextNode.valueOf(value);
                        if (f.has("text") && !f.path("text").asBoolean()) {
                            try {
                                typed = cli.jsonIn.readTree(value);
                            } catch (IOException e) {
                                // a value the server shortened or masked inside: shown as its text
                            }
                        }
                        fields.set(f.path("name").asText(), typed);
                    }
                    doc.put("fields", fields);
                    Output.json(cli, doc);
                    return;
                }
                cli.out.println("Block " + found.path("type").asText() + "/" + found.path("name").asText() + " (" + remote + ")");
                Table t = new Table("FIELD", "VALUE");
                found.path("fields").forEach(f -> t.row(f.path("name").asText(), f.path("value").asText()));
                t.print(cli.out, cli.colour());
                return;
            }
            BlockId id = find(cli, reference);
            Optional<String> document = cli.runtime().blockStore().read(id);
            if (document.isEmpty()) {
                throw new CliException(SluiceCli.NOT_FOUND, "block '" + id + "' is no longer saved");
            }
            JsonNode masked;
            try {
                masked = shown(id, (ObjectNode) cli.json.readTree(document.get()));
            } catch (IOException | ClassCastException e) {
                throw new CliException(SluiceCli.FAILED, "block '" + id + "' is not a JSON document in "
                        + cli.runtime().blockStore().description());
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("type", id.type());
                doc.put("name", id.name());
                doc.put("fields", masked);
                Output.json(cli, doc);
                return;
            }
            cli.out.println("Block " + id + " (" + cli.runtime().blockStore().description() + ")");
            Table t = new Table("FIELD", "VALUE");
            for (Iterator<Map.Entry<String, JsonNode>> it = masked.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                t.row(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
            }
            t.print(cli.out, cli.colour());
        }

        /**
         * The fields of block {@code id} as shown: {@link #mask} applied, and every field its type declares secret
         * shown as the mask whatever the stored form. A block in an environment variable is hand-written JSON whose
         * secrets are plain strings (no {@code {"$secret": ...}}), nested ones included: of such a block only text,
         * numbers and booleans of fields that are not secret are shown, and of a type not known here no text at all.
         */
        private JsonNode shown(BlockId id, ObjectNode document) {
            Optional<BlockSchema> schema = cli.runtime().call(Blocks::types).stream()
                    .filter(s -> s.slug().equals(id.type())).findFirst();
            boolean plainText = cli.env.containsKey(environmentVariable(id));
            ObjectNode out = cli.json.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                boolean secret = schema.map(s -> s.fields().stream().anyMatch(x -> x.name().equals(f.getKey()) && x.secret()))
                        .orElse(false);
                boolean hide = secret || (plainText && (schema.isEmpty() ? !f.getValue().isNumber() && !f.getValue().isBoolean()
                        : f.getValue().isContainerNode()));
                out.set(f.getKey(), hide ? com.fasterxml.jackson.databind.node.TextNode.valueOf(MASK) : mask(f.getValue()));
            }
            return out;
        }

        /** The environment variable that holds block {@code id} in the environment store. */
        static String environmentVariable(BlockId id) {
            return "SLUICE_BLOCK_" + (id.type() + "_" + id.name()).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        }

        /**
         * {@code node} with every secret value ({@code {"$secret": ...}}) replaced by the mask, and a URL that holds
         * a password (a {@code history-database} block's {@code ...?password=} or {@code user:pw@host}) shown without it.
         */
        static JsonNode mask(JsonNode node) {
            if (node.isTextual() && !dev.sluice.block.JdbcUrls.passwords(node.asText()).isEmpty()) {
                return com.fasterxml.jackson.databind.node.TextNode.valueOf(dev.sluice.block.JdbcUrls.redacted(node.asText()));
            }
            if (node.isObject()) {
                if (node.size() == 1 && node.has("$secret")) {
                    return com.fasterxml.jackson.databind.node.TextNode.valueOf(MASK);
                }
                ObjectNode copy = ((ObjectNode) node).objectNode();
                node.fields().forEachRemaining(e -> copy.set(e.getKey(), mask(e.getValue())));
                return copy;
            }
            if (node.isArray()) {
                com.fasterxml.jackson.databind.node.ArrayNode copy = ((com.fasterxml.jackson.databind.node.ArrayNode) node).arrayNode();
                node.forEach(n -> copy.add(mask(n)));
                return copy;
            }
            return node;
        }
    }

    @Command(name = "create", description = {
        "Saves a new block of TYPE as NAME. Fields come from --set (not secret ones), --secret-env, --stdin, and a",
        "prompt on a terminal for the rest (secret fields without echo). A secret is never taken from an argument,",
        "where it would land in shell history."})
    static final class Create implements Runnable {
        private final Cli cli;

        @Parameters(index = "0", paramLabel = "TYPE", description = "The block type's slug (sluice blocks types lists them).")
        String type;

        @Parameters(index = "1", paramLabel = "NAME", description = "The block's name: lowercase letters, digits, '-' and '_'.")
        String name;

        @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "A field that is not secret (repeat for several).")
        Map<String, String> set = new LinkedHashMap<>();

        @Option(names = "--secret-env", paramLabel = "FIELD=VARIABLE", description = "A secret field from an environment variable.")
        Map<String, String> secretEnv = new LinkedHashMap<>();

        @Option(names = "--stdin", description = "Read the fields from standard input as one JSON object.")
        boolean stdin;

        @Option(names = "--overwrite", description = "Replace a block of that type and name if one is saved.")
        boolean overwrite;

        Create(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            cli.requireLocal("blocks create");
            BlockId.checkName(name);
            BlockSchema schema = cli.runtime().call(Blocks::types).stream().filter(s -> s.slug().equals(type)).findFirst()
                    .orElseThrow(() -> new CliException(SluiceCli.NOT_FOUND, "no block type '" + type + "' is known here (known: "
                            + cli.runtime().call(Blocks::types).stream().map(BlockSchema::slug).toList()
                            + "); a type from your application needs its jar on the class path (SLUICE_CLASSPATH for bin/sluice)"));
            Map<String, BlockSchema.Field> fields = new LinkedHashMap<>();
            schema.fields().forEach(f -> fields.put(f.name(), f));
            Map<String, String> values = new LinkedHashMap<>();
            if (stdin) {
                values.putAll(readStdin());
            }
            for (Map.Entry<String, String> e : set.entrySet()) {
                BlockSchema.Field f = fields.get(e.getKey());
                if (f != null && f.secret()) {
                    throw new CliException(SluiceCli.USAGE, "secret field '" + e.getKey() + "' cannot be given with --set, where it"
                            + " would land in shell history: use --secret-env " + e.getKey() + "=VARIABLE, --stdin, or the prompt");
                }
                values.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<String, String> e : secretEnv.entrySet()) {
                String value = cli.env.get(e.getValue()); // set but empty: an empty secret (a SQLite database's password)
                if (value == null) {
                    throw new CliException(SluiceCli.USAGE, "environment variable " + e.getValue() + " (for field '" + e.getKey()
                            + "') is not set");
                }
                values.put(e.getKey(), value);
            }
            List<String> unasked = prompt(schema, values);
            String noTerminal = "fields " + unasked + " have no value and there is no terminal to ask on;"
                    + " give them with --set, --secret-env or --stdin";
            Block block;
            try {
                block = cli.runtime().call(() -> schema.fromText(name, values));
            } catch (dev.sluice.block.BlockNotFoundException e) {
                throw e; // a nested block that is not saved: not found (exit 3)
            } catch (dev.sluice.block.BlockException e) {
                LinkageError missing = missingClass(e);
                if (missing != null) {
                    throw new CliException(SluiceCli.FAILED, "block type " + type + " needs a class that is not on this command's"
                            + " class path (" + missing.getClass().getSimpleName() + ": " + missing.getMessage() + "): add the jars"
                            + " its module depends on to SLUICE_CLASSPATH, or the application's shaded jar", e);
                }
                // a bad or missing field value: every wrong field in one message
                throw new CliException(SluiceCli.USAGE, e.getMessage() + (unasked.isEmpty() ? ""
                        : "; there is no terminal to ask for the missing ones on: give them with --set, --secret-env or --stdin"));
            }
            if (!unasked.isEmpty()) {
                throw new CliException(SluiceCli.USAGE, noTerminal);
            }
            cli.runtime().call(() -> {
                try {
                    Blocks.save(name, block, overwrite);
                } catch (dev.sluice.block.BlockExistsException e) {
                    throw new CliException(SluiceCli.FAILED, "block " + type + "/" + name + " already exists; add --overwrite to replace it");
                }
                return null;
            });
            cli.out.println("Saved block " + type + "/" + name + " in " + cli.runtime().blockStore().description() + ".");
        }

        /** The class the JVM could not find or link, if that is why {@code e} could not build the block. */
        private static @Nullable LinkageError missingClass(Throwable e) {
            int depth = 0;
            for (Throwable c = e; c != null && depth++ < 16; c = c.getCause()) {
                if (c instanceof LinkageError l) {
                    return l;
                }
            }
            return null;
        }

        private Map<String, String> readStdin() {
            JsonNode node;
            try {
                node = cli.json.readTree(new InputStreamReader(cli.in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new CliException(SluiceCli.USAGE, "standard input is not a JSON object of fields (" + e.getClass().getSimpleName() + ")");
            }
            if (node == null || !node.isObject()) {
                throw new CliException(SluiceCli.USAGE, "standard input must be a JSON object of fields, like {\"host\": \"smtp.example.com\"}");
            }
            Map<String, String> values = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText()
                    : e.getValue().isNull() ? "" : e.getValue().toString()));
            return values;
        }

        /**
         * Asks for the fields not given, on a terminal: secret ones without echo. Without a terminal, returns the
         * required fields left without a value (named by the caller with every other wrong field), else none.
         */
        private List<String> prompt(BlockSchema schema, Map<String, String> values) {
            List<BlockSchema.Field> missing = schema.fields().stream().filter(f -> !values.containsKey(f.name())).toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            Console console = System.console();
            if (console == null && !cli.isTerminal()) {
                return missing.stream().filter(BlockSchema.Field::required).map(BlockSchema.Field::name).toList();
            }
            BufferedReader lines = console == null ? new BufferedReader(new InputStreamReader(cli.in, StandardCharsets.UTF_8)) : null;
            for (BlockSchema.Field f : missing) {
                String leftOut = switch (f.type()) {
                    case "boolean" -> ", Enter for false";
                    case "int", "long", "short", "byte", "double", "float" -> ", Enter for 0";
                    default -> ", optional: Enter to skip";
                };
                String label = f.name() + " (" + f.type() + (f.required() ? "" : leftOut)
                        + (f.secret() ? ", secret: not shown" : "") + "): ";
                String answer;
                if (console != null) {
                    answer = f.secret() ? toString(console.readPassword("%s", label)) : console.readLine("%s", label);
                } else {
                    cli.err.print(label);
                    cli.err.flush();
                    try {
                        answer = lines.readLine();
                    } catch (IOException e) {
                        answer = null;
                    }
                }
                if (answer == null) {
                    throw new CliException(SluiceCli.USAGE, "input ended before field '" + f.name() + "' was given");
                }
                if (!answer.isEmpty()) {
                    values.put(f.name(), answer);
                }
            }
            return List.of();
        }

        private static @Nullable String toString(char @Nullable [] chars) {
            if (chars == null) {
                return null;
            }
            String s = new String(chars);
            java.util.Arrays.fill(chars, '\0');
            return s;
        }
    }

    /** The server's block {@code reference} names ({@code TYPE/NAME}, or {@code NAME} when one type only has it). */
    static JsonNode remoteFind(Cli cli, Remote remote, String reference) {
        JsonNode doc = remote.list("/api/blocks", Map.of());
        JsonNode found = null;
        List<String> matches = new ArrayList<>();
        for (JsonNode b : doc == null ? cli.json.createArrayNode() : doc.path("blocks")) {
            String id = b.path("type").asText() + "/" + b.path("name").asText();
            if (id.equals(reference) || b.path("name").asText().equals(reference)) {
                found = b;
                matches.add(id);
            }
        }
        if (found == null) {
            List<String> saved = new ArrayList<>();
            (doc == null ? cli.json.createArrayNode() : doc.path("blocks")).forEach(b -> saved.add(b.path("type").asText() + "/"
                    + b.path("name").asText()));
            throw new CliException(SluiceCli.NOT_FOUND, "no block named '" + reference + "' is saved on the server (saved: "
                    + saved + ")");
        }
        if (matches.size() > 1 && !reference.contains("/")) {
            throw new CliException(SluiceCli.USAGE, "blocks of several types are named '" + reference + "': " + matches
                    + "; name one as TYPE/NAME");
        }
        return found;
    }

    @Command(name = "rm", description = "Deletes a saved block.")
    static final class Rm implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "BLOCK", description = "TYPE/NAME, or NAME when only one type has it.")
        String reference;

        Rm(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                JsonNode found = remoteFind(cli, remote, reference);
                BlockId id = new BlockId(found.path("type").asText(), found.path("name").asText());
                if (!remote.delete("/api/blocks/" + id.type() + "/" + id.name())) {
                    throw new CliException(SluiceCli.NOT_FOUND, "no block '" + reference + "' is saved on the server");
                }
                cli.out.println("Deleted block " + id + ".");
                return;
            }
            BlockId id = find(cli, reference);
            if (!cli.runtime().blockStore().delete(id)) {
                throw new CliException(SluiceCli.NOT_FOUND, "block '" + id + "' is no longer saved");
            }
            cli.out.println("Deleted block " + id + ".");
        }
    }
}
