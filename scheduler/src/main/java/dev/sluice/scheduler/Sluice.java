package dev.sluice.scheduler;

import dev.sluice.SluiceRuntime;
import dev.sluice.history.HistoryDatabase;
import java.time.Duration;
import java.util.Objects;

/**
 * Serve deployments from a {@code main}, like Prefect's {@code flow.serve}: registers them, fires their
 * schedules, runs their scheduled and triggered runs and heartbeats, until the JVM is told to stop
 * (SIGTERM, Ctrl-C); then it takes no new run, gives the running ones the grace period to finish, and
 * hands back the rest.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Sluice.serve(Deployment.of(report, Report.class)
 *             .withSchedules(Schedule.cron("0 6 * * MON-FRI", "America/New_York")));
 * }
 * }</pre>
 *
 * <p>The database is {@code $SLUICE_HOME/sluice.db}, or {@code SLUICE_DATABASE_URL} (with
 * {@code SLUICE_DATABASE_USER} and {@code SLUICE_DATABASE_PASSWORD}) when set, as for the run history.
 * The same {@code main} in several JVMs on one PostgreSQL database is the scale-out; see {@link Worker}.
 */
public final class Sluice {
    private Sluice() {
    }

    /**
     * Serves {@code deployments} on the database named by the environment ({@link HistoryDatabase#of(SluiceRuntime)}:
     * the {@code SLUICE_DATABASE_BLOCK} block, else {@code SLUICE_DATABASE_URL}, else {@code $SLUICE_HOME/sluice.db});
     * returns when the JVM stops.
     *
     * @throws SchedulerDatabaseException if the database cannot be used
     * @throws WorkerRefusedException if another worker serves the SQLite file
     */
    public static void serve(Deployment... deployments) {
        HistoryDatabase database;
        try (SluiceRuntime probe = SluiceRuntime.builder().withoutExtensions().build()) {
            database = HistoryDatabase.of(probe);
        }
        serve(Worker.builder(database).deployments(deployments));
    }

    /** Serves {@code deployments} on {@code database}; returns when the JVM stops. */
    public static void serve(HistoryDatabase database, Deployment... deployments) {
        Objects.requireNonNull(database, "database");
        serve(Worker.builder(database).deployments(deployments));
    }

    /**
     * Starts the worker {@code builder} describes and blocks until it stops: on SIGTERM or Ctrl-C (a
     * shutdown hook closes it gracefully), or when another thread interrupts this one.
     */
    public static void serve(Worker.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        serve(builder.start());
    }

    /**
     * Serves with {@code worker}, already started (so the caller can say so, or start more beside it), until it is
     * closed or the JVM is stopped: a shutdown hook (SIGTERM, Ctrl-C) closes it gracefully, and an interrupt of
     * the calling thread closes it too.
     */
    public static void serve(Worker worker) {
        Objects.requireNonNull(worker, "worker");
        Thread hook = new Thread(worker::close, "sluice-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            while (!worker.awaitStop(Duration.ofDays(1))) {
                // keep serving
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }
}
