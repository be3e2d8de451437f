package dev.sluice.benchmarks.history;

import dev.sluice.State;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Page;
import dev.sluice.history.RunSort;
import dev.sluice.history.TaskRunQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Query latency on generated data ({@link Generated}): for each filter combination, the first page
 * (50 runs) and a later one (the 20th, reached by its cursor) are timed {@code reps} times; p50 and
 * p95 in milliseconds. SQLite and an embedded PostgreSQL.
 *
 * <p>Args: {@code [flowRuns=1000000] [taskRunsPerFlow=10] [reps=40] [sqlite,postgres]}.
 */
public final class HistoryQueries {
    private HistoryQueries() {
    }

    public static void main(String[] args) throws Exception {
        long flows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        List<String> targets = List.of((args.length > 3 ? args[3] : "sqlite,postgres").split(","));
        System.out.printf(Locale.ROOT, "HistoryQueries: %,d flow runs, %,d task runs, %d repetitions (load %s)%n", flows,
                flows * tasks, reps, Bench.load());
        for (String target : targets) {
            Generated data = new Generated(flows, tasks);
            if (target.equals("sqlite")) {
                Path file = Bench.scratch("sluice-queries").resolve("sluice.db");
                double s = data.fill(HistoryDatabase.sqlite(file), "jdbc:sqlite:" + file, "", false);
                System.out.printf(Locale.ROOT, "sqlite: generated in %.0f s, file %,d MB%n", s, Files.size(file) / 1048576);
                run("sqlite", HistoryDatabase.sqlite(file), data, reps);
            } else {
                try (Bench.Postgres pg = new Bench.Postgres()) {
                    String url = pg.pg.getJdbcUrl("postgres", "postgres");
                    double s = data.fill(pg.database(), url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true",
                            "postgres", true);
                    System.out.printf(Locale.ROOT, "postgres: generated in %.0f s%n", s);
                    run("postgres", pg.database(), data, reps);
                }
            }
        }
        System.out.println("load average at the end: " + Bench.load());
    }

    private static void run(String target, HistoryDatabase db, Generated data, int reps) {
        Instant now = data.now;
        String parent = data.parentIds.get(0);
        Map<String, FlowRunQuery> flowQueries = new LinkedHashMap<>();
        flowQueries.put("all, latest first", FlowRunQuery.all());
        flowQueries.put("flow name", FlowRunQuery.all().flowName("etl.orders.7"));
        flowQueries.put("name like 'vtasks.job.9%'", FlowRunQuery.all().nameLike("vtasks.job.9%"));
        flowQueries.put("name exact", FlowRunQuery.all().name(Generated.flowName(123_457) + "-123457"));
        flowQueries.put("all tags env:prod+team:3", FlowRunQuery.all().withAllTags("env:prod", "team:3"));
        flowQueries.put("any tag critical|team:7", FlowRunQuery.all().withAnyTags("critical", "team:7"));
        flowQueries.put("tag critical (5%)", FlowRunQuery.all().withAllTags("critical"));
        flowQueries.put("states FAILED|CRASHED", FlowRunQuery.all().inStates(State.FAILED, State.CRASHED));
        flowQueries.put("started in the last day", FlowRunQuery.all().startedAfter(now.minus(Duration.ofDays(1))));
        flowQueries.put("subflows of a run", FlowRunQuery.all().withParent(parent));
        flowQueries.put("top level only", FlowRunQuery.all().topLevel());
        flowQueries.put("flow+FAILED+last 30 days", FlowRunQuery.all().flowName("vtasks.job.63")
                .inStates(State.FAILED).startedAfter(now.minus(Duration.ofDays(30))));
        flowQueries.put("like+tag+states (ORCHESTRATION.md)", FlowRunQuery.all().nameLike("vtasks.%")
                .withAllTags("env:prod").inStates(State.FAILED, State.CRASHED).startedAfter(now.minus(Duration.ofDays(7))));
        flowQueries.put("longest first", FlowRunQuery.all().sortedBy(RunSort.DURATION_DESC));
        flowQueries.put("flow name, longest first", FlowRunQuery.all().flowName("etl.orders.7").sortedBy(RunSort.DURATION_DESC));
        flowQueries.put("oldest first", FlowRunQuery.all().sortedBy(RunSort.START_TIME_ASC));
        Map<String, TaskRunQuery> taskQueries = new LinkedHashMap<>();
        taskQueries.put("tasks: all", TaskRunQuery.all());
        taskQueries.put("tasks: task name", TaskRunQuery.all().taskName("task.17"));
        taskQueries.put("tasks: of one flow run", TaskRunQuery.all().inFlowRun(parent).sortedBy(RunSort.START_TIME_ASC));
        taskQueries.put("tasks: FAILED", TaskRunQuery.all().inStates(State.FAILED));
        taskQueries.put("tasks: tag critical", TaskRunQuery.all().withAllTags("critical"));
        taskQueries.put("tasks: run name within a task", TaskRunQuery.all().taskName("task.17").name("task.17-3"));
        taskQueries.put("tasks: of one flow run, longest first", TaskRunQuery.all().inFlowRun(parent).sortedBy(RunSort.DURATION_DESC));
        taskQueries.put("tasks: name+state+day", TaskRunQuery.all().taskName("task.3").inStates(State.COMPLETED)
                .startedAfter(now.minus(Duration.ofDays(1))));

        List<String[]> rows = new ArrayList<>();
        double worstFirst = 0;
        double worstLater = 0;
        try (History h = History.builder(db).retention(dev.sluice.history.Retention.forever()).open()) {
            if (Boolean.getBoolean("explain")) {
                explain(db, h, flowQueries, taskQueries);
            }
            for (var e : flowQueries.entrySet()) {
                FlowRunQuery q = e.getValue();
                double[] first = time(reps, () -> h.flowRuns(q));
                String cursor = cursorOfPage(20, () -> h.flowRuns(q), c -> h.flowRuns(q.after(c)));
                double[] later = cursor == null ? null : time(reps, () -> h.flowRuns(q.after(cursor)));
                rows.add(row(e.getKey(), first, later));
                worstFirst = Math.max(worstFirst, Bench.percentile(first, 95));
                worstLater = later == null ? worstLater : Math.max(worstLater, Bench.percentile(later, 95));
            }
            for (var e : taskQueries.entrySet()) {
                TaskRunQuery q = e.getValue();
                double[] first = time(reps, () -> h.taskRuns(q));
                String cursor = cursorOfPage(20, () -> h.taskRuns(q), c -> h.taskRuns(q.after(c)));
                double[] later = cursor == null ? null : time(reps, () -> h.taskRuns(q.after(cursor)));
                rows.add(row(e.getKey(), first, later));
                worstFirst = Math.max(worstFirst, Bench.percentile(first, 95));
                worstLater = later == null ? worstLater : Math.max(worstLater, Bench.percentile(later, 95));
            }
            double[] chart = time(reps, () -> h.stateCounts(FlowRunQuery.all(), now.minus(Duration.ofDays(1)), now,
                    Duration.ofHours(1)));
            rows.add(row("state counts, 24 h by hour", chart, null));
            double[] chartFlow = time(reps, () -> h.stateCounts(FlowRunQuery.all().flowName("etl.orders.7"),
                    now.minus(Duration.ofDays(30)), now, Duration.ofDays(1)));
            rows.add(row("state counts, one flow, 30 d by day", chartFlow, null));
            double[] done = time(reps, () -> h.hasCompleted("etl.orders.7", Duration.ofDays(1)));
            rows.add(row("hasCompleted(flow, 1 day)", done, null));
            double[] detail = time(reps, () -> h.flowRun(parent));
            rows.add(row("flow run detail", detail, null));
        }
        System.out.printf(Locale.ROOT, "%n%s: %,d flow runs, %,d task runs (load %s)%n", target, data.flows,
                data.flows * data.tasksPerFlow, Bench.load());
        System.out.printf(Locale.ROOT, "| query | first page p50 | p95 | 20th page p50 | p95 |%n|---|---:|---:|---:|---:|%n");
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", (Object[]) r);
        }
        Bench.figure("history.query." + target + ".worstFirstPageP95", worstFirst, "ms");
        Bench.figure("history.query." + target + ".worstLaterPageP95", worstLater, "ms");
    }

    /** Prints how the database runs each query's first and 20th page ({@code -Dexplain=true}). */
    private static void explain(HistoryDatabase db, History h, Map<String, FlowRunQuery> flows, Map<String, TaskRunQuery> tasks) {
        try (dev.sluice.history.internal.Database idb = dev.sluice.history.internal.Database.open(db)) {
            dev.sluice.history.internal.Queries iq = new dev.sluice.history.internal.Queries(idb, java.time.Clock.systemUTC());
            for (var e : flows.entrySet()) {
                FlowRunQuery q = e.getValue();
                String cursor = cursorOfPage(20, () -> h.flowRuns(q), c -> h.flowRuns(q.after(c)));
                System.out.println("== " + e.getKey() + ", first page\n" + iq.explain(q));
                if (cursor != null) {
                    System.out.println("== " + e.getKey() + ", 20th page\n" + iq.explain(q.after(cursor)));
                }
            }
            for (var e : tasks.entrySet()) {
                TaskRunQuery q = e.getValue();
                String cursor = cursorOfPage(20, () -> h.taskRuns(q), c -> h.taskRuns(q.after(c)));
                System.out.println("== " + e.getKey() + ", first page\n" + iq.explain(q));
                if (cursor != null) {
                    System.out.println("== " + e.getKey() + ", 20th page\n" + iq.explain(q.after(cursor)));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] row(String name, double[] first, double[] later) {
        return new String[] {name, ms(Bench.median(first)), ms(Bench.percentile(first, 95)),
                later == null ? "-" : ms(Bench.median(later)), later == null ? "-" : ms(Bench.percentile(later, 95))};
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f ms", v);
    }

    private static <T> String cursorOfPage(int n, Supplier<Page<T>> first, java.util.function.Function<String, Page<T>> next) {
        Page<T> page = first.get();
        for (int i = 2; i < n && page.hasNext(); i++) {
            page = next.apply(page.nextCursor());
        }
        return page.nextCursor();
    }

    private static double[] time(int reps, Supplier<?> query) {
        for (int i = 0; i < 3; i++) {
            query.get();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Object r = query.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (r == null) {
                throw new IllegalStateException();
            }
        }
        return ms;
    }
}
