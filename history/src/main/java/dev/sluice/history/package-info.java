/**
 * Run history: every flow run, task run, state change, tag, parameter, error and log line kept in a
 * database, so runs can be looked up after the JVM that ran them is gone.
 *
 * <p>With {@code sluice-history} on the class path, every {@link dev.sluice.SluiceRuntime} records into
 * {@code $SLUICE_HOME/sluice.db} (SQLite in WAL mode) with no code; {@code -Dsluice.history=off} or the
 * environment variable {@code SLUICE_HISTORY=off} turns that off, and {@code SLUICE_DATABASE_URL}
 * chooses another database (PostgreSQL to share it between machines). {@link dev.sluice.history.History}
 * opens a history explicitly, plugs it into a runtime and answers queries:
 *
 * <pre>{@code
 * try (History history = History.open(HistoryDatabase.sqlite(Path.of("runs.db")));
 *      SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().recorder(history.recorder()).build()) {
 *     runtime.run(etl, "Boston");
 *     history.flush();
 *     Page<FlowRunSummary> failed = history.flowRuns(FlowRunQuery.all()
 *             .flowName("etl").inStates(State.FAILED, State.CRASHED).sortedBy(RunSort.START_TIME_DESC).limit(50));
 * }
 * }</pre>
 */
@NullMarked
package dev.sluice.history;

import org.jspecify.annotations.NullMarked;
