package dev.sluice.cli.internal;

import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.cli.SluiceCli;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.LogEntry;
import dev.sluice.history.Page;
import dev.sluice.history.TaskRunDetail;
import dev.sluice.history.TaskRunSummary;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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

/** {@code sluice runs ls|show|logs}. */
final class Runs {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Runs() {
    }

    @Command(name = "runs", description = "Flow runs kept in the run history: list, show, follow logs, cancel, retry.",
            subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("ls", new Ls(cli)).addSubcommand("show", new Show(cli))
                .addSubcommand("logs", new Logs(cli)).addSubcommand("cancel", new Cancel(cli))
                .addSubcommand("retry", new Retry(cli));
    }

    @Command(name = "ls", description = "Lists flow runs, newest first.")
    static final class Ls implements Runnable {
        private final Cli cli;

        @Option(names = "--flow", paramLabel = "NAME", description = "Only runs of this flow (repeat for several).")
        List<String> flows = new ArrayList<>();

        @Option(names = "--name", paramLabel = "PATTERN", description = "Only runs whose name is like this (%% any text, _ one character, as in SQL; without either, a prefix).")
        @Nullable String name;

        @Option(names = "--state", paramLabel = "STATE", split = "\\s*,\\s*", splitSynopsisLabel = ",", description = "Only runs in these states: ${COMPLETION-CANDIDATES}.")
        List<State> states = new ArrayList<>();

        @Option(names = "--tag", paramLabel = "TAG", description = "Only runs with all these tags (repeat for several).")
        List<String> tags = new ArrayList<>();

        @Option(names = "--since", paramLabel = "WHEN", description = "Only runs started since: 30m, 12h, 1d, 1w (or ISO-8601, PT36H) ago, an ISO instant, or a date or local time of this machine's zone.")
        @Nullable String since;

        @Option(names = "--all", description = "Subflow runs too, not only top-level ones.")
        boolean all;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (1 to 1000; default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--after", paramLabel = "CURSOR", description = "The page after this cursor (printed under a full page).")
        @Nullable String after;

        @Option(names = "--json", description = "JSON for scripts: {\"runs\": [...], \"next\": cursor or null}.")
        boolean json;

        Ls(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            if (limit < 1 || limit > FlowRunQuery.MAX_LIMIT) {
                throw new CliException(SluiceCli.USAGE, "--limit must be 1 to " + FlowRunQuery.MAX_LIMIT + ", was " + limit);
            }
            if (flows.stream().anyMatch(String::isBlank) || tags.stream().anyMatch(String::isBlank)) {
                throw new CliException(SluiceCli.USAGE, (flows.stream().anyMatch(String::isBlank) ? "--flow" : "--tag")
                        + " must not be blank: give a flow's name or a tag, or leave the option out");
            }
            RunSource.Filter filter = new RunSource.Filter(flows, name, states, tags,
                    since == null ? null : Durations.since(since, cli.clock.instant()), all, limit, after);
            Page<FlowRunSummary> page;
            try (RunSource source = cli.runs()) {
                page = source.flowRuns(filter);
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("runs", page.items());
                doc.put("next", page.nextCursor());
                Output.json(cli, doc);
                return;
            }
            if (page.items().isEmpty()) {
                cli.out.println("No flow runs" + (flows.isEmpty() && states.isEmpty() && tags.isEmpty() && name == null && since == null
                        ? "" : " match") + ".");
                return;
            }
            Table table = new Table("ID", "FLOW", "NAME", "STATE", "STARTED", "DURATION", "TAGS");
            for (FlowRunSummary r : page.items()) {
                table.row(3, Output.colour(r.state()), r.id(), r.flowName(), r.name(), r.state().name(), time(r.startTime()),
                        r.startTime() == null ? "-" : Durations.format(r.duration()), String.join(",", new java.util.TreeSet<>(r.tags())));
            }
            table.print(cli.out, cli.colour());
            page.next().ifPresent(c -> cli.out.println("more: add --after " + c));
        }
    }

    /** The zone times are shown in: this machine's ({@code TZ}). */
    static String zone() {
        return ZoneId.systemDefault().getId();
    }

    static String time(@Nullable Instant t) {
        return t == null ? "-" : TIME.format(t.atZone(ZoneId.systemDefault()));
    }

    @Command(name = "show", description = "Shows one flow run (or task run): states, parameters, error, task runs.")
    static final class Show implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "ID", description = "The run id, as `sluice runs ls` prints it, or the id sluice deployments run prints.")
        String id;

        @Option(names = "--json", description = "JSON for scripts.")
        boolean json;

        Show(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            try (RunSource history = cli.runs()) {
                Optional<FlowRunDetail> flow = history.flowRun(id);
                if (flow.isPresent()) {
                    print(flow.get());
                    return;
                }
                Optional<TaskRunDetail> task = history.taskRun(id);
                if (task.isPresent()) {
                    print(task.get());
                    return;
                }
                // the id sluice deployments run printed: its flow run, once a worker started it
                Optional<dev.sluice.scheduler.DeploymentRun> made = history.deploymentRun(id);
                if (made.isPresent()) {
                    Optional<FlowRunDetail> started = made.get().flowRun().flatMap(history::flowRun);
                    if (started.isPresent()) {
                        print(started.get());
                        return;
                    }
                    dev.sluice.scheduler.DeploymentRun r = made.get();
                    if (r.status().isFinished()) {
                        throw endedWithoutFlowRun(id, r);
                    }
                    throw new CliException(SluiceCli.NOT_FOUND, "run " + id + " of deployment " + r.deployment()
                            + " is " + r.status() + " and has no flow run yet (a worker makes it when it starts the"
                            + " run; sluice runs logs " + id + " --follow waits for it)");
                }
            }
            throw new CliException(SluiceCli.NOT_FOUND, "no flow run or task run has id '" + id + "' in "
                    + "the run history (sluice runs ls lists them)");
        }

        private void print(FlowRunDetail d) {
            if (json) {
                Output.json(cli, d);
                return;
            }
            FlowRunSummary r = d.run();
            PrintFields p = new PrintFields(cli);
            p.field("Flow run", r.name() + " (" + r.id() + ")");
            p.field("Flow", r.flowName() + (r.version() == null ? "" : " version " + r.version()));
            p.state(r.state());
            p.field("Started", time(r.startTime()) + (r.endTime() == null ? "" : ", ended " + time(r.endTime())
                    + " after " + Durations.format(r.duration())));
            if (r.parentFlowRunId() != null) {
                p.field("Parent run", r.parentFlowRunId());
            }
            p.field("Tags", String.join(", ", new java.util.TreeSet<>(r.tags())));
            p.field("Parameters", d.parameters().isEmpty() ? "-" : Output.inline(cli, d.parameters()));
            p.states(d.stateHistory());
            if (d.error() != null) {
                p.field("Error", d.error().type() + ": " + d.error().message());
            }
            if (!d.taskRuns().items().isEmpty()) {
                cli.out.println();
                Table t = new Table("TASK RUN", "ID", "STATE", "STARTED", "DURATION", "ATTEMPTS");
                for (TaskRunSummary tr : d.taskRuns().items()) {
                    t.row(2, Output.colour(tr.state()), tr.name(), tr.id(), tr.state().name(), time(tr.startTime()),
                            tr.startTime() == null ? "-" : Durations.format(tr.duration()), String.valueOf(tr.attempts()));
                }
                t.print(cli.out, cli.colour());
                if (d.taskRuns().hasNext()) {
                    cli.out.println("(more task runs: sluice runs show --json lists the first page; the dashboard pages them)");
                }
            }
            if (!d.subflowRuns().items().isEmpty()) {
                cli.out.println();
                Table t = new Table("SUBFLOW RUN", "ID", "STATE", "DURATION");
                for (FlowRunSummary s : d.subflowRuns().items()) {
                    t.row(2, Output.colour(s.state()), s.name(), s.id(), s.state().name(), Durations.format(s.duration()));
                }
                t.print(cli.out, cli.colour());
            }
        }

        private void print(TaskRunDetail d) {
            if (json) {
                Output.json(cli, d);
                return;
            }
            TaskRunSummary r = d.run();
            PrintFields p = new PrintFields(cli);
            p.field("Task run", r.name() + " (" + r.id() + ")");
            p.field("Task", r.taskName() + (r.version() == null ? "" : " version " + r.version()));
            p.state(r.state());
            if (r.flowRunId() != null) {
                p.field("Flow run", r.flowRunId());
            }
            p.field("Started", time(r.startTime()) + (r.endTime() == null ? "" : ", ended " + time(r.endTime())
                    + " after " + Durations.format(r.duration())));
            p.field("Attempts", String.valueOf(r.attempts()));
            if (r.cachedFromRunId() != null) {
                p.field("Cached from", r.cachedFromRunId());
            }
            p.field("Parameters", d.parameters().isEmpty() ? "-" : Output.inline(cli, d.parameters()));
            p.states(d.stateHistory());
            if (d.error() != null) {
                p.field("Error", d.error().type() + ": " + d.error().message());
            }
        }
    }

    /**
     * A deployment's run that ended without a flow run, cancelled while it waited or refused by the worker (its
     * parameters no longer fit): none will come, for {@code runs show} nor {@code runs logs}.
     */
    static CliException endedWithoutFlowRun(String id, dev.sluice.scheduler.DeploymentRun r) {
        return new CliException(SluiceCli.NOT_FOUND, "run " + id + " of deployment " + r.deployment() + " ended "
                + r.status() + " without a flow run" + (r.message() == null ? "" : ": " + r.message()));
    }

    /** Label: value lines. */
    static final class PrintFields {
        private final Cli cli;

        PrintFields(Cli cli) {
            this.cli = cli;
        }

        /** A line "label: value", the value's escape codes (a run's error quoting a coloured answer) left out. */
        void field(String label, String value) {
            line(label, Table.printable(value));
        }

        private void line(String label, String value) {
            cli.out.println(String.format(java.util.Locale.ROOT, "%-12s %s", label + ":", value));
        }

        void state(State state) {
            String s = state.name();
            line("State", cli.colour() ? "\u001b[" + Output.colour(state) + "m" + s + "\u001b[0m" : s);
        }

        void states(List<StateChange> changes) {
            StringBuilder b = new StringBuilder();
            for (StateChange c : changes) {
                if (b.length() > 0) {
                    b.append(" -> ");
                }
                b.append(c.state().name()).append(' ').append(TIME.format(c.at().atZone(ZoneId.systemDefault())));
            }
            field("History", b.toString());
        }
    }

    @Command(name = "logs", description = "Prints the log lines of a flow run (and its task runs); --follow waits for more until it ends.")
    static final class Logs implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "ID", description = "The flow run id (or task run id), or the id sluice deployments run prints.")
        String id;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the run has ended.")
        boolean follow;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        Logs(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            try (RunSource history = cli.runs()) {
                if (history.flowRun(id).isEmpty() && history.taskRun(id).isEmpty()) {
                    Optional<dev.sluice.scheduler.DeploymentRun> made = history.deploymentRun(id);
                    if (made.isEmpty()) {
                        throw new CliException(SluiceCli.NOT_FOUND, "no flow run or task run has id '" + id + "' in the run history");
                    }
                    // the id sluice deployments run printed: the lines of its flow run, which --follow waits for
                    while (made.get().flowRunId() == null && follow && !made.get().status().isFinished()) {
                        if (cli.out.checkError() || !pause()) {
                            return;
                        }
                        made = history.deploymentRun(id);
                        if (made.isEmpty()) {
                            throw new CliException(SluiceCli.NOT_FOUND, "run " + id + " is gone");
                        }
                    }
                    if (made.get().flowRunId() == null) {
                        if (made.get().status().isFinished()) {
                            throw endedWithoutFlowRun(id, made.get()); // as runs show: no line will ever come
                        }
                        return; // not started yet: no lines so far
                    }
                    id = made.get().flowRunId();
                }
                long after = 0;
                while (true) {
                    Page<LogEntry> page = history.logs(id, after, 1_000);
                    for (LogEntry e : page.items()) {
                        print(e);
                        after = e.line();
                    }
                    if (page.hasNext()) {
                        continue;
                    }
                    if (follow && cli.out.checkError()) {
                        return; // its reader has gone (`| head`): nobody is left to print the rest to
                    }
                    if (!follow || ended(history)) {
                        if (follow) { // lines written between the last read and the end: every page of them
                            Page<LogEntry> rest;
                            do {
                                rest = history.logs(id, after, 1_000);
                                for (LogEntry e : rest.items()) {
                                    print(e);
                                    after = e.line();
                                }
                            } while (rest.hasNext());
                        }
                        return;
                    }
                    if (!pause()) {
                        return;
                    }
                }
            }
        }

        /** Waits before asking again; false when interrupted. */
        private boolean pause() {
            cli.out.flush();
            try {
                Thread.sleep(300);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private boolean ended(RunSource history) {
            Optional<FlowRunDetail> flow = history.flowRun(id);
            if (flow.isPresent()) {
                return flow.get().run().state().isTerminal();
            }
            return history.taskRun(id).map(t -> t.run().state().isTerminal()).orElse(true);
        }

        private void print(LogEntry e) {
            if (json) {
                try {
                    cli.out.println(cli.json.writeValueAsString(e));
                } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                    throw new IllegalStateException(ex);
                }
                return;
            }
            // the run's own text: its escape codes (a message quoting a coloured answer) never reach the terminal
            cli.out.println(time(e.time()) + " " + String.format(java.util.Locale.ROOT, "%-5s", e.level()) + " "
                    + Table.printable(e.message()) + (e.error() == null ? "" : System.lineSeparator() + Table.printable(e.error())));
        }
    }

    @Command(name = "cancel", description = "Cancels a flow run of a deployment: one not started never starts; a running one"
            + " ends CANCELLED at its next task boundary.")
    static final class Cancel implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "ID", description = "The flow run id (as sluice runs ls prints it) or the deployment run id.")
        String id;

        Cancel(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                // 409: it has ended already, which the database's answer says without failing
                String seg = remoteId(id, "cancelled");
                com.fasterxml.jackson.databind.JsonNode cancelled = remote.get("/api/deployment-runs/" + seg, java.util.Map.of()) != null
                        ? remote.postUnlessConflict("/api/deployment-runs/" + seg + "/cancel", java.util.Map.of())
                        : remote.postUnlessConflict("/api/runs/" + seg + "/cancel", java.util.Map.of());
                cli.out.println(cancelled != null ? "Cancel requested for run " + id + "." : "Run " + id + " had already finished.");
                return;
            }
            try (dev.sluice.scheduler.DeploymentClient client = cli.deployments()) {
                boolean cancelled = client.cancel(deploymentRunId(client, id, "cancelled"));
                cli.out.println(cancelled ? "Cancel requested for run " + id + "." : "Run " + id + " had already finished.");
            }
        }
    }

    /** {@code id} as a path segment for a server, or not found as on the database when it cannot be a run's id. */
    static String remoteId(String id, String what) {
        String seg = Remote.idSegment(id);
        if (seg == null) {
            throw new CliException(SluiceCli.NOT_FOUND, "no run of a deployment has id '" + id + "' (only runs of deployments can be "
                    + what + ": sluice deployments runs lists them)");
        }
        return seg;
    }

    /** The deployment run {@code id} names: its own id, or the id of the flow run it made. */
    static String deploymentRunId(dev.sluice.scheduler.DeploymentClient client, String id, String what) {
        if (client.run(id).isPresent()) {
            return id;
        }
        return client.runOfFlowRun(id).map(dev.sluice.scheduler.DeploymentRun::id).orElseThrow(() -> new CliException(
                SluiceCli.NOT_FOUND, "no run of a deployment has id '" + id + "' (only runs of deployments can be " + what
                        + ": sluice deployments runs lists them)"));
    }

    @Command(name = "retry", description = "Runs a finished run of a deployment again, with the same parameters, now;"
            + " prints the new run's id.")
    static final class Retry implements Runnable {
        private final Cli cli;

        @Parameters(paramLabel = "ID", description = "The flow run id (as sluice runs ls prints it) or the deployment run id.")
        String id;

        Retry(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            Remote remote = cli.remote();
            if (remote != null) {
                String seg = remoteId(id, "retried");
                com.fasterxml.jackson.databind.JsonNode made = remote.get("/api/deployment-runs/" + seg, java.util.Map.of()) != null
                        ? remote.post("/api/deployment-runs/" + seg + "/retry", java.util.Map.of())
                        : remote.post("/api/runs/" + seg + "/retry", java.util.Map.of());
                cli.out.println(made == null ? "" : made.path("id").asText());
                return;
            }
            try (dev.sluice.scheduler.DeploymentClient client = cli.deployments()) {
                try {
                    cli.out.println(client.retry(deploymentRunId(client, id, "retried")));
                } catch (IllegalStateException e) {
                    throw new CliException(SluiceCli.FAILED, e.getMessage());
                }
            }
        }
    }
}
