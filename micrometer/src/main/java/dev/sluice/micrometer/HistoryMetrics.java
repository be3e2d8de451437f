package dev.sluice.micrometer;

import dev.sluice.history.History;
import dev.sluice.history.HistoryStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The run history writer's numbers ({@link History#stats()}) as meters: what it was handed, wrote and lost,
 * and how many records wait in its queue. Needs {@code sluice-history} on the class path.
 *
 * <pre>{@code
 * HistoryMetrics.of(history).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters (tags {@code database}: the history's description, a file or a URL without credentials;
 * {@code writer}: {@value #DEFAULT_WRITER}, or the name given to {@link #withWriter})</caption>
 * <tr><th>name</th><th>type</th><th>what</th></tr>
 * <tr><td>{@value #RECORDED}</td><td>function counter</td><td>records (state changes, log lines, tag changes)
 * handed to the history</td></tr>
 * <tr><td>{@value #WRITTEN}</td><td>function counter</td><td>records committed to the database</td></tr>
 * <tr><td>{@value #LOST}</td><td>function counter</td><td>records that will never be written</td></tr>
 * <tr><td>{@value #QUEUE}</td><td>gauge</td><td>records waiting to be written now</td></tr>
 * <tr><td>{@value #WRITE_FAILURES}</td><td>function counter</td><td>failed attempts to write a batch</td></tr>
 * </table>
 *
 * <p>The meters hold the history weakly, as Micrometer's binders do: a history closed and dropped stops
 * being read. Binding another history of the same database and writer (a worker started again) replaces
 * the meters, so they read the new one (its counts start again from zero, as a counter does on a restart).
 */
public final class HistoryMetrics implements MeterBinder {
    /** Records handed to the history. */
    public static final String RECORDED = "sluice.history.records.recorded";
    /** Records written. */
    public static final String WRITTEN = "sluice.history.records.written";
    /** Records lost. */
    public static final String LOST = "sluice.history.records.lost";
    /** Records waiting in the writer's queue. */
    public static final String QUEUE = "sluice.history.queue.size";
    /** Failed batch writes. */
    public static final String WRITE_FAILURES = "sluice.history.write.failures";

    /** The {@code writer} tag of {@link #of}: the history of an application's runtime. */
    public static final String DEFAULT_WRITER = "history";

    private static final String RECORDS = "records";

    private final History history;
    private final String writer;

    private HistoryMetrics(History history, String writer) {
        this.history = history;
        this.writer = writer;
    }

    /** A binder of {@code history}'s writer meters, tagged {@code writer=}{@value #DEFAULT_WRITER}. */
    public static HistoryMetrics of(History history) {
        return new HistoryMetrics(Objects.requireNonNull(history, "history"), DEFAULT_WRITER);
    }

    /**
     * A copy whose meters are tagged {@code writer=name}: for a second history writer in one application (a
     * worker's, {@code "worker"}), whose meters would otherwise be those of the first when both write to one database.
     */
    public HistoryMetrics withWriter(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("writer must not be blank");
        }
        return new HistoryMetrics(history, name);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String database = history.description();
        // a history bound in place of another of the same database and writer (a worker started again) takes over
        // its meters: Micrometer keeps the first meter of a name and tags, which would read the closed history
        for (String name : new String[] {RECORDED, WRITTEN, LOST, WRITE_FAILURES, QUEUE}) {
            registry.find(name).tags("database", database, "writer", writer).meters().forEach(registry::remove);
        }
        counter(registry, RECORDED, "Records (state changes, log lines, tag changes) handed to the run history", database,
                HistoryStats::recorded, RECORDS);
        counter(registry, WRITTEN, "Records the run history committed to its database", database, HistoryStats::written, RECORDS);
        counter(registry, LOST, "Records the run history will never write (queue full, batch failed for good, closed)",
                database, HistoryStats::lost, RECORDS);
        counter(registry, WRITE_FAILURES, "Failed attempts of the run history to write a batch", database,
                HistoryStats::writeFailures, null); // attempts, not records
        Gauge.builder(QUEUE, history, h -> h.stats().queued())
                .description("Records waiting in the run history's queue to be written").tag("database", database)
                .tag("writer", writer).baseUnit(RECORDS).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, String database,
            ToDoubleFunction<HistoryStats> value, @org.jspecify.annotations.Nullable String unit) {
        FunctionCounter.builder(name, history, h -> value.applyAsDouble(h.stats()))
                .description(description).tag("database", database).tag("writer", writer).baseUnit(unit).register(registry);
    }

    @Override
    public String toString() {
        return "HistoryMetrics[" + history.description() + ", writer " + writer + "]";
    }
}
