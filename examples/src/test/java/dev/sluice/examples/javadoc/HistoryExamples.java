package dev.sluice.examples.javadoc;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.Secret;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.Page;
import dev.sluice.history.Retention;
import dev.sluice.history.RunSort;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The code examples of sluice-history's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line;
 * {@link JavadocExamplesRunTest} runs some against SQLite files).
 */
@SuppressWarnings("unused")
final class HistoryExamples {
    private HistoryExamples() {
    }

    /** {@link FlowRunQuery}'s class comment. */
    static Page<FlowRunSummary> flowRunQuery(History history) {
        return
        history.flowRuns(FlowRunQuery.all()
                .nameLike("vtasks.%")
                .withAllTags("env:prod")
                .inStates(State.FAILED, State.CRASHED)
                .startedAfter(Instant.now().minus(Duration.ofDays(1)))
                .sortedBy(RunSort.START_TIME_DESC)
                .limit(50));
    }

    /** {@link History}'s class comment. */
    static void history(Flow<String, Integer> etl) {
        try (History history = History.open(HistoryDatabase.sqlite(Path.of("/srv/etl/runs.db")));
             SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions()
                     .recorder(history.recorder())
                     .resultStore(history.resultStore())
                     .build()) {
            runtime.run(etl, "Boston");
        }
    }

    /** {@link History#hasCompleted}. */
    static void hasCompleted(History history, Flow<LocalDate, Integer> etl, LocalDate today) {
        if (!history.hasCompleted("daily-etl", Duration.ofDays(1))) {
            etl.run(today);
        }
    }

    /** {@link HistoryDatabase}'s class comment. */
    static void historyDatabase(String password) {
        HistoryDatabase local = HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db"));
        HistoryDatabase shared = HistoryDatabase.of("jdbc:postgresql://db:5432/sluice", "sluice", Secret.of(password));
    }

    /** {@link Retention}'s class comment. */
    static void retention(HistoryDatabase db, Flow<String, Integer> etl) {
        try (History history = History.builder(db)
                .retention(Retention.defaults().withCompleted(Duration.ofDays(7)))
                .open();
             SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            runtime.run(etl, "Boston");
        }
    }

    /** {@link TaskRunQuery}'s class comment. */
    static Page<TaskRunSummary> taskRunQuery(History history, String flowRunId) {
        Page<TaskRunSummary> tasks = history.taskRuns(TaskRunQuery.all().inFlowRun(flowRunId).sortedBy(RunSort.START_TIME_ASC));
        return tasks;
    }

    /** The package comment of {@code dev.sluice.history}. */
    static void historyPackage(Flow<String, Integer> etl) {
        try (History history = History.open(HistoryDatabase.sqlite(Path.of("runs.db")));
             SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
            runtime.run(etl, "Boston");
            history.flush();
            Page<FlowRunSummary> failed = history.flowRuns(FlowRunQuery.all()
                    .flowName("etl").inStates(State.FAILED, State.CRASHED).sortedBy(RunSort.START_TIME_DESC).limit(50));
        }
    }
}
