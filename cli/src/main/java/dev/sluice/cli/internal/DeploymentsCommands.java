package dev.sluice.cli.internal;

import dev.sluice.cli.SluiceCli;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice deployments ls|show|run|backfill|pause|resume|runs}. */
final class DeploymentsCommands {
    private DeploymentsCommands() {
    }

    @Command(name = "deployments", description = "Flows made runnable by name (registered by a worker): list, show, run,"
            + " backfill, pause, resume.", subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("ls", new Ls(cli)).addSubcommand("show", new Show(cli))
                .addSubcommand("run", new Run(cli)).addSubcommand("backfill", new Backfill(cli))
                .addSubcommand("pause", new Pause(cli, true)).addSubcommand("resume", new Pause(cli, false))
                .addSubcommand("runs", new RecentRuns(cli));
    }

    static DeploymentClient client(Cli cli) {
        return cli.deployments();
    }

    /** A server's deployment run, read from its JSON. */
    static DeploymentRun readRun(Cli cli, com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return cli.jsonIn.treeToValue(node, DeploymentRun.class);
        } catch (java.io.IOException e) {
            throw new CliException(SluiceCli.FAILED, "the server's run does not read (" + e.getMessage() + ")");
        }
    }

    static String encode(String name) {
        return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String schedules(DeploymentInfo d) {
        if (d.schedules().isEmpty()) {
            return "-";
        }
        return String.join("; ", d.schedules().stream().map(Schedule::description).toList());
    }

    static String next(DeploymentInfo d, Instant now) {
        Instant next = null;
        for (Schedule s : d.schedules()) {
            List<Instant> n = s.next(1, now);
            if (!n.isEmpty() && (next == null || n.get(0).isBefore(next))) {
                next = n.get(0);
            }
        }
        return d.paused() ? "paused" : next == null ? "-" : Runs.time(next);
    }

    @Command(name = "ls", description = "Lists the deployments: schedules in words, the next run, the last run's status.")
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
            if (remote != null) {
                com.fasterxml.jackson.databind.JsonNode doc = remote.list("/api/deployments", Map.of());
                com.fasterxml.jackson.databind.JsonNode items = doc == null ? cli.json.createArrayNode() : doc.path("deployments");
                if (json) {
                    List<Map<String, Object>> out = new ArrayList<>();
                    items.forEach(d -> out.add(summary(d)));
                    Output.json(cli, out);
                    return;
                }
                if (items.isEmpty()) {
                    cli.out.println("No deployments: a worker registers them (sluice worker start --jar app.jar, or Sluice.serve).");
                    return;
                }
                Table t = new Table("NAME", "FLOW", "SCHEDULES", "NEXT", "LAST RUN");
                for (com.fasterxml.jackson.databind.JsonNode d : items) {
                    List<String> schedules = new ArrayList<>();
                    d.path("schedules").forEach(x -> schedules.add(x.path("description").asText()));
                    String next = d.path("paused").asBoolean() ? "paused"
                            : d.path("nextRuns").size() > 0 ? Runs.time(Instant.parse(d.path("nextRuns").get(0).asText())) : "-";
                    t.row(d.path("name").asText(), d.path("flowName").asText(), schedules.isEmpty() ? "-" : String.join("; ", schedules),
                            next, d.path("lastRun").isObject() ? d.path("lastRun").path("status").asText() : "-");
                }
                t.print(cli.out, cli.colour());
                return;
            }
            try (DeploymentClient client = client(cli)) {
                List<DeploymentInfo> all = client.deployments();
                if (json) {
                    List<Map<String, Object>> doc = new ArrayList<>();
                    for (DeploymentInfo d : all) {
                        doc.add(summary(cli, d, client, cli.clock.instant()));
                    }
                    Output.json(cli, doc);
                    return;
                }
                if (all.isEmpty()) {
                    cli.out.println("No deployments: a worker registers them (sluice worker start --jar app.jar, or Sluice.serve).");
                    return;
                }
                Table t = new Table("NAME", "FLOW", "SCHEDULES", "NEXT", "LAST RUN");
                for (DeploymentInfo d : all) {
                    Optional<DeploymentRun> last = client.lastRun(d.name());
                    String lastText = last.map(r -> r.status().name()).orElse("-");
                    if (last.isPresent()) {
                        t.row(4, colour(last.get().status()), d.name(), d.flowName(), schedules(d), next(d, cli.clock.instant()), lastText);
                    } else {
                        t.row(d.name(), d.flowName(), schedules(d), next(d, cli.clock.instant()), lastText);
                    }
                }
                t.print(cli.out, cli.colour());
            }
        }
    }

    static String colour(RunStatus s) {
        return switch (s) {
            case COMPLETED -> "32";
            case FAILED, CRASHED, TIMED_OUT -> "31";
            case CANCELLED, SKIPPED -> "33";
            default -> "34";
        };
    }

    static Map<String, Object> summary(Cli cli, DeploymentInfo d, DeploymentClient client, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("flow", d.flowName());
        m.put("version", d.version());
        m.put("description", d.description());
        m.put("tags", d.tags());
        m.put("schedules", d.schedules().stream().map(Schedule::description).toList());
        m.put("scheduleSpecs", d.schedules().stream().map(Schedule::toString).toList()); // what Schedule.parse reads
        m.put("paused", d.paused());
        m.put("parameters", d.parameters());
        m.put("parameterNames", d.parameterSchema().parameters().stream().map(Parameter::name).toList());
        try {
            m.put("parameterSchema", cli.jsonIn.readTree(d.parameterSchema().toJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a parameter schema that is not JSON: " + e.getOriginalMessage(), e);
        }
        m.put("nextRuns", d.paused() ? List.of() : nextRuns(d, now));
        m.put("lastRun", client.lastRun(d.name()).orElse(null));
        return m;
    }

    /** A server's deployment (its JSON API's shape) in the shape {@code deployments ls --json} gives on the database. */
    static Map<String, Object> summary(com.fasterxml.jackson.databind.JsonNode d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.path("name").asText());
        m.put("flow", d.path("flowName").asText());
        m.put("version", d.get("version"));
        m.put("description", d.get("description"));
        m.put("tags", d.path("tags"));
        List<String> descriptions = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        d.path("schedules").forEach(s -> {
            descriptions.add(s.path("description").asText());
            specs.add(s.path("expression").asText());
        });
        m.put("schedules", descriptions);
        m.put("scheduleSpecs", specs);
        m.put("paused", d.path("paused").asBoolean());
        m.put("parameters", d.path("parameters"));
        List<String> names = new ArrayList<>();
        d.path("parameterSchema").path("properties").fieldNames().forEachRemaining(names::add);
        m.put("parameterNames", names);
        m.put("parameterSchema", d.path("parameterSchema"));
        m.put("nextRuns", d.path("nextRuns"));
        m.put("lastRun", d.get("lastRun"));
        return m;
    }

    /** The next {@code 5} slots of all of {@code d}'s schedules after {@code now}, in time order. */
    static List<Instant> nextRuns(DeploymentInfo d, Instant now) {
        java.util.TreeSet<Instant> all = new java.util.TreeSet<>();
        for (Schedule s : d.schedules()) {
            all.addAll(s.next(5, now));
        }
        return all.stream().limit(5).toList();
    }


    static DeploymentInfo find(DeploymentClient client, String name) {
        return client.deployment(name).orElseThrow(() -> new CliException(SluiceCli.NOT_FOUND, "no deployment is named '" + name
                + "' (there are: " + client.deployments().stream().map(DeploymentInfo::name).toList() + ")"));
    }

    @Command(name = "show", description = "Shows a deployment: schedules, the next 5 runs, parameters, recent runs.")
    static final class Show implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Show(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            cli.requireLocal("deployments show (use deployments ls and deployments runs NAME with --server)");
            try (DeploymentClient client = client(cli)) {
                DeploymentInfo d = find(client, name);
                List<DeploymentRun> recent = client.runs(name, 10);
                if (json) {
                    Map<String, Object> doc = summary(cli, d, client, cli.clock.instant());
                    doc.put("recentRuns", recent);
                    Output.json(cli, doc);
                    return;
                }
                Runs.PrintFields p = new Runs.PrintFields(cli);
                p.field("Deployment", d.name() + (d.version() == null ? "" : " version " + d.version()));
                p.field("Flow", d.flowName());
                if (d.description() != null) {
                    p.field("About", d.description());
                }
                p.field("Schedules", schedules(d) + (d.paused() ? " (paused)" : ""));
                List<String> nextFive = new ArrayList<>();
                if (!d.paused()) {
                    nextRuns(d, cli.clock.instant()).forEach(i -> nextFive.add(Runs.time(i)));
                }
                p.field("Next runs", nextFive.isEmpty() ? "-" : String.join(", ", nextFive) + " (" + Runs.zone() + ")");
                p.field("Parameters", d.parameterSchema().parameters().isEmpty() ? "-"
                        : String.join(", ", d.parameterSchema().parameters().stream().map(Object::toString).toList()));
                p.field("Defaults", d.parameters().isEmpty() ? "-" : Output.inline(cli, d.parameters()));
                p.field("Tags", String.join(", ", new java.util.TreeSet<>(d.tags())));
                if (!recent.isEmpty()) {
                    cli.out.println();
                    runsTable(cli, recent, workerNames(client));
                }
            }
        }
    }

    /**
     * Deployment runs as a table: with the deployment's name when they are of several, the slot a scheduled
     * or backfilled run is for (its DUE is when it was made to run), the worker by name where known.
     */
    static void runsTable(Cli cli, List<DeploymentRun> runs, Map<String, String> workerNames) {
        boolean several = runs.stream().map(DeploymentRun::deployment).distinct().count() > 1;
        List<String> header = new ArrayList<>(List.of("RUN", "KIND", "SLOT", "DUE", "STATUS", "WORKER", "FLOW RUN", "MESSAGE"));
        if (several) {
            header.add(1, "DEPLOYMENT");
        }
        Table t = new Table(header.toArray(String[]::new));
        for (DeploymentRun r : runs) {
            String worker = r.workerId() == null ? "-" : workerNames.getOrDefault(r.workerId(), r.workerId());
            List<String> cells = new ArrayList<>(List.of(r.id(), r.kind().name(), r.slot() == null ? "-" : Runs.time(r.slot()),
                    Runs.time(r.scheduledTime()), r.status().name() + (r.late() ? " (late)" : ""), worker,
                    r.flowRunId() == null ? "-" : r.flowRunId(), r.message() == null ? "" : r.message()));
            if (several) {
                cells.add(1, r.deployment());
            }
            t.row(several ? 5 : 4, colour(r.status()), cells.toArray(String[]::new));
        }
        t.print(cli.out, cli.colour());
    }

    /** Worker ids to names, for tables. */
    static Map<String, String> workerNames(DeploymentClient client) {
        Map<String, String> names = new LinkedHashMap<>();
        client.workers(Duration.ofDays(7)).forEach(w -> names.put(w.id(), w.name()));
        return names;
    }

    @Command(name = "run", description = "Triggers a run of a deployment now; prints its id. With --wait, waits for it"
            + " and exits 1 unless it completed.")
    static final class Run implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "A parameter (repeat for several); text is"
                + " converted by the deployment's schema (30, true, 2026-01-31, a choice).")
        List<String> paramPairs = new ArrayList<>();

        private final Map<String, String> params = new LinkedHashMap<>();

        @Option(names = "--wait", description = "Wait until the run has ended; exit 1 unless it completed.")
        boolean await;

        @Option(names = "--timeout", paramLabel = "DURATION",
                description = "How long --wait waits: 30s, 15m, 2h, 1d or ISO-8601 (default 1h).")
        String timeoutText;

        private Duration timeout = Duration.ofHours(1);

        Run(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            for (String pair : paramPairs) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new CliException(SluiceCli.USAGE, "-p takes NAME=VALUE, was '" + pair + "'");
                }
                if (params.putIfAbsent(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new CliException(SluiceCli.USAGE, "parameter '" + pair.substring(0, eq) + "' is given twice");
                }
            }
            if (timeoutText != null) {
                if (!await) {
                    throw new CliException(SluiceCli.USAGE, "--timeout is how long --wait waits: give --wait too");
                }
                try {
                    timeout = Durations.length(timeoutText, "--timeout");
                } catch (IllegalArgumentException e) {
                    throw new CliException(SluiceCli.USAGE, e.getMessage());
                }
            }
            Remote remote = cli.remote();
            if (remote != null) {
                DeploymentRun made = readRun(cli, remote.post("/api/deployments/" + encode(name) + "/runs", Map.of("parameters", params)));
                cli.out.println(made.id());
                com.fasterxml.jackson.databind.JsonNode workers = remote.get("/api/workers", Map.of());
                boolean served = false;
                for (com.fasterxml.jackson.databind.JsonNode w : workers == null ? cli.json.createArrayNode() : workers.path("workers")) {
                    boolean serves = false;
                    for (com.fasterxml.jackson.databind.JsonNode d : w.path("deployments")) {
                        serves |= d.asText().equals(name);
                    }
                    served |= serves && w.path("stoppedAt").isNull() && !w.path("stale").asBoolean();
                }
                if (!served) {
                    cli.err.println("sluice: no live worker serves '" + name + "' (none has a fresh heartbeat): the run waits"
                            + " until one does (sluice worker ls)");
                    cli.err.flush();
                }
                if (!await) {
                    return;
                }
                cli.out.flush();
                long deadline = System.nanoTime() + timeout.toNanos();
                DeploymentRun r = made;
                while (!r.status().isFinished()) {
                    if (System.nanoTime() > deadline) {
                        throw new CliException(SluiceCli.FAILED, "run " + made.id() + " had not ended after " + timeout);
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CliException(SluiceCli.FAILED, "interrupted while waiting for run " + made.id());
                    }
                    com.fasterxml.jackson.databind.JsonNode now = remote.get("/api/deployment-runs/" + made.id(), Map.of());
                    if (now == null) {
                        throw new CliException(SluiceCli.NOT_FOUND, "run " + made.id() + " is gone");
                    }
                    r = readRun(cli, now);
                }
                finished(r, made.id());
                return;
            }
            try (DeploymentClient client = client(cli)) {
                find(client, name);
                String id = client.trigger(name, params);
                cli.out.println(id);
                boolean served = client.workers(Duration.ofMinutes(1)).stream()
                        .anyMatch(w -> w.stoppedAt() == null && w.deployments().contains(name));
                if (!served) {
                    cli.err.println("sluice: no live worker serves '" + name + "' (none heartbeat in the last minute): the run"
                            + " waits until one does (sluice worker ls)");
                    cli.err.flush();
                }
                if (!await) {
                    return;
                }
                cli.out.flush();
                Optional<DeploymentRun> done;
                try {
                    done = client.awaitFinished(id, timeout);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException(SluiceCli.FAILED, "interrupted while waiting for run " + id);
                }
                if (done.isEmpty()) {
                    throw new CliException(SluiceCli.FAILED, "run " + id + " had not ended after " + timeout);
                }
                finished(done.get(), id);
            }
        }

        private void finished(DeploymentRun r, String id) {
            cli.out.println(r.status().name() + (r.flowRunId() == null ? "" : " (flow run " + r.flowRunId() + ")")
                    + (r.message() == null ? "" : ": " + Table.oneLine(r.message()))); // the run's error: no escape code
            if (r.status() != RunStatus.COMPLETED) {
                throw new CliException(SluiceCli.FAILED, "run " + id + " of " + name + " ended " + r.status());
            }
        }
    }

    @Command(name = "backfill", description = "Makes one run per schedule slot from --from to --to (slots that completed are"
            + " skipped unless --force).")
    static final class Backfill implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--from", required = true, paramLabel = "WHEN", description = "First slot (inclusive): an ISO instant, a date or local time of this machine's zone, or 7d (or P7D) for 7 days ago.")
        String from;

        @Option(names = "--to", paramLabel = "WHEN", description = "Last slot (exclusive), as --from; default now.")
        @Nullable String to;

        @Option(names = "--force", description = "Run slots again that completed already.")
        boolean force;

        Backfill(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Instant now = cli.clock.instant();
            Instant start = Durations.since(from, now);
            Instant end = to == null ? now : Durations.since(to, now);
            Remote remote = cli.remote();
            if (remote != null) {
                com.fasterxml.jackson.databind.JsonNode made = remote.post("/api/deployments/" + encode(name) + "/backfill",
                        Map.of("from", start.toString(), "to", end.toString(), "force", force));
                com.fasterxml.jackson.databind.JsonNode ids = made.isArray() ? made : made.path("ids").isArray() ? made.path("ids") : made.path("runs");
                cli.out.println("Backfill of " + name + ": " + ids.size() + " run(s) from " + start + " to " + end + ".");
                ids.forEach(i -> cli.out.println(i.isTextual() ? i.asText() : i.path("id").asText()));
                return;
            }
            try (DeploymentClient client = client(cli)) {
                find(client, name);
                List<String> ids = client.backfill(name, start, end, force);
                cli.out.println("Backfill of " + name + ": " + ids.size() + " run(s) from " + start + " to " + end + ".");
                ids.forEach(cli.out::println);
            }
        }
    }

    @Command(name = "pause", description = "Pauses (or, as resume, resumes) a deployment's schedules.")
    static final class Pause implements Runnable {
        private final Cli cli;
        private final boolean pause;

        @Parameters(paramLabel = "NAME")
        String name;

        Pause(Cli cli, boolean pause) {
            this.cli = cli;
            this.pause = pause;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                remote.post("/api/deployments/" + encode(name) + (pause ? "/pause" : "/resume"), Map.of());
                cli.out.println((pause ? "Paused" : "Resumed") + " the schedules of " + name + ".");
                return;
            }
            try (DeploymentClient client = client(cli)) {
                find(client, name);
                if (pause) {
                    client.pause(name);
                } else {
                    client.resume(name);
                }
                cli.out.println((pause ? "Paused" : "Resumed") + " the schedules of " + name + ".");
            }
        }
    }

    @Command(name = "runs", description = "Recent runs of the deployments (or of one).")
    static final class RecentRuns implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "NAME", arity = "0..1")
        @Nullable String name;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (1 to 1000; default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        RecentRuns(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            if (limit < 1 || limit > 1000) { // the server's bounds, so that --server answers the same
                throw new CliException(SluiceCli.USAGE, "--limit must be 1 to 1000, was " + limit);
            }
            Remote remote = cli.remote();
            if (remote != null && name == null) {
                throw new CliException(SluiceCli.USAGE, "with --server, name the deployment: deployments runs NAME");
            }
            if (remote != null) {
                com.fasterxml.jackson.databind.JsonNode doc = remote.get("/api/deployments/" + encode(name) + "/runs",
                        Map.of("limit", List.of(String.valueOf(limit))));
                if (doc == null) {
                    throw new CliException(SluiceCli.NOT_FOUND, "no deployment is named '" + name + "'");
                }
                List<DeploymentRun> runs = new ArrayList<>();
                (doc.isArray() ? doc : doc.path("items").isArray() ? doc.path("items") : doc.path("runs")).forEach(n -> runs.add(readRun(cli, n)));
                if (json) {
                    Output.json(cli, runs);
                } else if (runs.isEmpty()) {
                    cli.out.println("No runs of deployments.");
                } else {
                    Map<String, String> workers = new LinkedHashMap<>();
                    com.fasterxml.jackson.databind.JsonNode known = remote.get("/api/workers", Map.of());
                    if (known != null) {
                        known.path("workers").forEach(w -> workers.put(w.path("id").asText(), w.path("name").asText()));
                    }
                    runsTable(cli, runs, workers);
                }
                return;
            }
            try (DeploymentClient client = client(cli)) {
                if (name != null) {
                    find(client, name);
                }
                List<DeploymentRun> runs = name == null ? client.runs(limit) : client.runs(name, limit);
                if (json) {
                    Output.json(cli, runs);
                } else if (runs.isEmpty()) {
                    cli.out.println("No runs of deployments.");
                } else {
                    runsTable(cli, runs, workerNames(client));
                }
            }
        }
    }
}
