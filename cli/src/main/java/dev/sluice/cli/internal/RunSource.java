package dev.sluice.cli.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.ErrorInfo;
import dev.sluice.State;
import dev.sluice.StateChange;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.History;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.history.Page;
import dev.sluice.history.RunSort;
import dev.sluice.history.TaskRunDetail;
import dev.sluice.history.TaskRunSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Where the run commands read runs: the history database, or a server's JSON API. */
interface RunSource extends AutoCloseable {
    /** What {@code runs ls} asks for. */
    record Filter(List<String> flows, @Nullable String nameLike, List<State> states, List<String> tags,
            @Nullable Instant since, boolean all, int limit, @Nullable String after) {
    }

    Page<FlowRunSummary> flowRuns(Filter filter);

    Optional<FlowRunDetail> flowRun(String id);

    Optional<TaskRunDetail> taskRun(String id);

    Page<LogEntry> logs(String runId, long afterLine, int limit);

    /**
     * The run of a deployment with id {@code id} (as {@code sluice deployments run} prints it), if {@code id} names one:
     * its flow run once a worker started it.
     */
    Optional<dev.sluice.scheduler.DeploymentRun> deploymentRun(String id);

    /** Whether {@code id} may be a deployment run's: those are 24 hexadecimal digits (a flow run's id has dashes). */
    static boolean mayBeDeploymentRun(String id) {
        return id.matches("[0-9a-f]{24}");
    }

    @Override
    void close();

    /** The history database. */
    final class Local implements RunSource {
        private final History history;
        private final java.util.function.Supplier<dev.sluice.scheduler.DeploymentClient> deployments;
        private dev.sluice.scheduler.@Nullable DeploymentClient client;

        Local(History history, java.util.function.Supplier<dev.sluice.scheduler.DeploymentClient> deployments) {
            this.history = history;
            this.deployments = deployments;
        }

        @Override
        public Optional<dev.sluice.scheduler.DeploymentRun> deploymentRun(String id) {
            if (!mayBeDeploymentRun(id)) {
                return Optional.empty();
            }
            if (client == null) {
                client = deployments.get();
            }
            return client.run(id);
        }

        @Override
        public Page<FlowRunSummary> flowRuns(Filter f) {
            FlowRunQuery q = FlowRunQuery.all().sortedBy(RunSort.START_TIME_DESC).limit(f.limit());
            if (!f.flows().isEmpty()) {
                q = q.flowName(f.flows().toArray(String[]::new));
            }
            if (f.nameLike() != null) {
                // the rule of the dashboard and the server's API, so that --server answers the same: without a wildcard, a prefix
                String p = f.nameLike();
                q = q.nameLike(p.contains("%") || p.contains("_") ? p : p + "%");
            }
            if (!f.states().isEmpty()) {
                q = q.inStates(f.states().toArray(State[]::new));
            }
            if (!f.tags().isEmpty()) {
                q = q.withAllTags(f.tags().toArray(String[]::new));
            }
            if (f.since() != null) {
                q = q.startedAfter(f.since());
            }
            if (!f.all()) {
                q = q.topLevel();
            }
            if (f.after() != null) {
                q = q.after(f.after());
            }
            return history.flowRuns(q);
        }

        @Override
        public Optional<FlowRunDetail> flowRun(String id) {
            return history.flowRun(id);
        }

        @Override
        public Optional<TaskRunDetail> taskRun(String id) {
            return history.taskRun(id);
        }

        @Override
        public Page<LogEntry> logs(String runId, long afterLine, int limit) {
            return history.logs(LogQuery.of(runId).afterLine(afterLine).limit(limit));
        }

        @Override
        public void close() {
            try {
                if (client != null) {
                    client.close();
                }
            } finally {
                history.close();
            }
        }
    }

    /** A server's JSON API. */
    final class Server implements RunSource {
        private final Cli cli;
        private final Remote remote;

        Server(Cli cli, Remote remote) {
            this.cli = cli;
            this.remote = remote;
        }

        @Override
        public Page<FlowRunSummary> flowRuns(Filter f) {
            Map<String, List<String>> q = new LinkedHashMap<>();
            if (!f.flows().isEmpty()) {
                q.put("flow", f.flows());
            }
            if (f.nameLike() != null) {
                q.put("name", List.of(f.nameLike()));
            }
            if (!f.states().isEmpty()) {
                q.put("state", f.states().stream().map(State::name).toList());
            }
            if (!f.tags().isEmpty()) {
                q.put("tag", f.tags());
            }
            if (f.since() != null) {
                q.put("from", List.of(f.since().toString()));
            }
            if (!f.all()) {
                q.put("top", List.of("1"));
            }
            // the server answers at most 500 a page: a larger --limit is read in pages, the last one as long as what is left
            List<FlowRunSummary> items = new ArrayList<>();
            String after = f.after();
            String next;
            do {
                q.put("limit", List.of(String.valueOf(Math.min(f.limit() - items.size(), 500))));
                if (after != null) {
                    q.put("after", List.of(after));
                }
                Page<FlowRunSummary> page = page(remote.list("/api/runs", q), FlowRunSummary.class);
                items.addAll(page.items());
                next = page.nextCursor();
                after = next;
            } while (next != null && items.size() < f.limit());
            return new Page<>(items, next);
        }

        private <T> Page<T> page(@Nullable JsonNode page, Class<T> type) {
            if (page == null) {
                return new Page<>(List.of(), null);
            }
            List<T> items = new ArrayList<>();
            for (JsonNode n : page.path("items")) {
                items.add(read(n, type));
            }
            JsonNode next = page.get("nextCursor");
            return new Page<>(items, next == null || next.isNull() ? null : next.asText());
        }

        private <T> T read(@Nullable JsonNode node, Class<T> type) {
            try {
                if (node == null || !node.isObject()) {
                    throw new IOException("no " + type.getSimpleName() + " object in it");
                }
                return cli.jsonIn.treeToValue(node, type);
            } catch (IOException | IllegalArgumentException | NullPointerException e) {
                throw new CliException(dev.sluice.cli.SluiceCli.FAILED, "the server's answer does not read as "
                        + type.getSimpleName() + " (" + e.getMessage() + "): are the server and this command the same version?");
            }
        }

        /** What the server's answers for a flow run and a task run share. */
        private record Detail(List<StateChange> states, Map<String, Object> params, @Nullable ErrorInfo error) {
        }

        private Detail detail(JsonNode d) throws IOException {
            return new Detail(cli.jsonIn.readerFor(new TypeReference<List<StateChange>>() { }).readValue(d.path("stateHistory")),
                    cli.jsonIn.readerFor(new TypeReference<Map<String, Object>>() { }).readValue(d.path("parameters")),
                    d.hasNonNull("error") ? cli.jsonIn.treeToValue(d.get("error"), ErrorInfo.class) : null);
        }

        @Override
        public Optional<FlowRunDetail> flowRun(String id) {
            String seg = Remote.idSegment(id);
            JsonNode d = seg == null ? null : remote.get("/api/runs/" + seg, Map.of());
            if (d == null) {
                return Optional.empty();
            }
            try {
                Detail c = detail(d);
                return Optional.of(new FlowRunDetail(read(d.get("run"), FlowRunSummary.class), c.states(), c.params(), c.error(),
                        page(d.get("taskRuns"), TaskRunSummary.class), page(d.get("subflowRuns"), FlowRunSummary.class),
                        page(d.get("logs"), LogEntry.class)));
            } catch (IOException | IllegalArgumentException | NullPointerException e) {
                throw new CliException(dev.sluice.cli.SluiceCli.FAILED, "the server's run does not read (" + e.getMessage() + ")");
            }
        }

        @Override
        public Optional<TaskRunDetail> taskRun(String id) {
            String seg = Remote.idSegment(id);
            JsonNode d = seg == null ? null : remote.get("/api/task-runs/" + seg, Map.of());
            if (d == null) {
                return Optional.empty();
            }
            try {
                Detail c = detail(d);
                return Optional.of(new TaskRunDetail(read(d.get("run"), TaskRunSummary.class), c.states(), c.params(), c.error(),
                        page(d.get("logs"), LogEntry.class)));
            } catch (IOException | IllegalArgumentException | NullPointerException e) {
                throw new CliException(dev.sluice.cli.SluiceCli.FAILED, "the server's task run does not read (" + e.getMessage() + ")");
            }
        }

        @Override
        public Page<LogEntry> logs(String runId, long afterLine, int limit) {
            String seg = Remote.idSegment(runId);
            JsonNode page = seg == null ? null : remote.get("/api/runs/" + seg + "/logs", Map.of("after", List.of(String.valueOf(afterLine)),
                    "limit", List.of(String.valueOf(limit))));
            return page(page, LogEntry.class);
        }

        @Override
        public Optional<dev.sluice.scheduler.DeploymentRun> deploymentRun(String id) {
            if (!mayBeDeploymentRun(id)) {
                return Optional.empty();
            }
            JsonNode d = remote.get("/api/deployment-runs/" + id, Map.of());
            return d == null ? Optional.empty() : Optional.of(DeploymentsCommands.readRun(cli, d));
        }

        @Override
        public void close() {
        }
    }
}
