package dev.sluice.scheduler.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.history.internal.Database;
import dev.sluice.history.internal.Dialect;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.ParameterSchema;
import dev.sluice.scheduler.RunKind;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.SchedulerDatabaseException;
import dev.sluice.scheduler.WorkerInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Every statement the scheduler runs on its own tables: deployments, their runs (unique per deployment
 * and slot), workers, concurrency leases. Thread-safe; each method takes a pooled connection.
 */
public final class Store {
    /** Run states that hold a slot or may still run. */
    static final String ACTIVE = "('SCHEDULED', 'RUNNING')";

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private static final long REGISTRATION_LOCK = 0x511CE5E6L;

    private final Database db;
    private final boolean postgres;

    public Store(Database db) {
        this.db = db;
        this.postgres = db.dialect() == Dialect.POSTGRESQL;
    }

    /** The database. */
    public Database database() {
        return db;
    }

    /** What the database is, for messages. */
    public String description() {
        return db.description();
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A connection that waited longer than this for the pool is a sign that the database was away. */
    private static final long SLOW_CONNECT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** When ({@link System#nanoTime()}) a connection last failed or was slow to come; 0: never. */
    private volatile long troubleNanos;

    /**
     * When ({@link System#nanoTime()}) this store last could not reach the database: a connection failed, or
     * came only after more than a second (the pool's connections broke and new ones waited), or a statement
     * failed with a connection error; 0 if never.
     */
    public long troubleNanos() {
        return troubleNanos;
    }

    /** A pooled connection, noting trouble (see {@link #troubleNanos()}). */
    public Connection connect() throws SQLException {
        long start = System.nanoTime();
        try {
            Connection c = db.connection();
            long now = System.nanoTime();
            if (now - start > SLOW_CONNECT_NANOS) {
                troubleNanos = now;
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            troubleNanos = System.nanoTime();
            throw e;
        }
    }

    private void noteIfTransient(Throwable e) {
        if (Dialect.isTransient(e)) {
            troubleNanos = System.nanoTime();
        }
    }

    /** Runs {@code work} in one write transaction. */
    <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = connect()) {
            db.begin(c);
            try {
                T result = work.run(c);
                db.commit(c);
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                noteIfTransient(e);
                db.rollback(c);
                throw e;
            }
        }
    }

    <T> T read(Work<T> work) throws SQLException {
        try (Connection c = connect()) {
            return work.run(c);
        } catch (SQLException | RuntimeException e) {
            noteIfTransient(e);
            throw e;
        }
    }

    /** A {@link SchedulerDatabaseException} for {@code e} while doing {@code what}. */
    public SchedulerDatabaseException error(String what, Exception e) {
        return new SchedulerDatabaseException("scheduler database " + db.description() + ": cannot " + what + ": "
                + Sql.rootMessage(e), e);
    }

    static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Map<String, Object> map(String json) {
        try {
            return Json.MAPPER.readValue(json, OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    static List<String> strings(String json) {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** A new run id: time-ordered, unique. */
    public static String newId() {
        long random = java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffff_ffff_ffffL;
        return String.format("%012x%012x", System.currentTimeMillis(), random);
    }

    // ------------------------------------------------------------------ deployments

    /** Another flow already registered under a name. */
    public record Conflict(String name, String registeredFlow, String newFlow) {
    }

    /**
     * Registers (inserts or updates) {@code deployments} in one transaction. A new version keeps the last
     * slot, so no past slot is replayed; changed schedules drop the upcoming runs not started yet and
     * plan from now; otherwise the scheduled runs not started yet take the new default parameters. The paused flag of an existing deployment is set when the code says paused
     * (dropping its upcoming runs, as {@code pause} does), and otherwise left as {@code pause}/{@code resume} set it.
     *
     * @return the conflicts (nothing is written if there is one), or the ids of dropped runs
     */
    public Registration register(List<Deployment> deployments, Instant now) throws SQLException {
        long t = Sql.micros(now);
        return inTransaction(c -> {
            if (postgres) {
                // workers starting together register one after the other (SQLite: BEGIN IMMEDIATE does this)
                try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, REGISTRATION_LOCK);
                    lock.executeQuery().close();
                }
            }
            Map<String, String[]> existing = new HashMap<>();
            List<String> names = deployments.stream().map(Deployment::name).toList();
            for (int from = 0; from < names.size(); from += 500) {
                List<String> chunk = names.subList(from, Math.min(names.size(), from + 500));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement("select name, flow_name, schedules from sluice_deployment"
                        + " where name in (" + marks + ")" + (postgres ? " for update" : ""))) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            existing.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                        }
                    }
                }
            }
            List<Conflict> conflicts = new ArrayList<>();
            for (Deployment d : deployments) {
                String[] row = existing.get(d.name());
                if (row != null && !row[0].equals(d.flow().name())) {
                    conflicts.add(new Conflict(d.name(), row[0], d.flow().name()));
                }
            }
            if (!conflicts.isEmpty()) {
                return new Registration(conflicts, List.of());
            }
            List<String> dropped = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("insert into sluice_deployment (name, flow_name, version,"
                    + " description, tags, parameters, parameter_schema, schedules, paused, concurrency_limit, catch_up,"
                    + " catch_up_window_ms, overlap, last_slot, created_at, updated_at)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)");
                    PreparedStatement update = c.prepareStatement("update sluice_deployment set flow_name = ?, version = ?,"
                            + " description = ?, tags = ?, parameters = ?, parameter_schema = ?, schedules = ?,"
                            + " paused = case when ? = 1 then 1 else paused end, concurrency_limit = ?, catch_up = ?,"
                            + " catch_up_window_ms = ?, overlap = ?, updated_at = ?,"
                            + " last_slot = case when ? = 1 then ? else last_slot end where name = ?");
                    // slots planned under the old version (a daily one up to a day ahead) take the new defaults
                    PreparedStatement defaults = c.prepareStatement("update sluice_deployment_run set parameters = ?"
                            + " where deployment = ? and state = 'SCHEDULED' and kind = 'SCHEDULED' and parameters <> ?")) {
                int inserts = 0;
                int updates = 0;
                int newDefaults = 0;
                for (Deployment d : deployments) {
                    String schedules = json(d.schedules().stream().map(Schedule::toString).toList());
                    String parameters = json(d.parameters());
                    String[] row = existing.get(d.name());
                    Long window = d.catchUpWindow().map(Duration::toMillis).orElse(null);
                    if (row == null) {
                        int i = 1;
                        insert.setString(i++, d.name());
                        insert.setString(i++, d.flow().name());
                        Sql.setString(insert, i++, d.version().orElse(null));
                        Sql.setString(insert, i++, d.description().orElse(null));
                        insert.setString(i++, json(d.tags()));
                        insert.setString(i++, parameters);
                        insert.setString(i++, d.parameterSchema().toJson());
                        insert.setString(i++, schedules);
                        insert.setInt(i++, d.isPaused() ? 1 : 0);
                        insert.setInt(i++, d.concurrencyLimit().orElse(0));
                        insert.setString(i++, d.catchUp().name());
                        Sql.setLong(insert, i++, window);
                        insert.setString(i++, d.overlap().name());
                        insert.setLong(i++, t);
                        insert.setLong(i++, t);
                        insert.addBatch();
                        inserts++;
                    } else {
                        // the same schedules in another order are the same slots: not an edit that drops the runs waiting
                        boolean changed = !new java.util.TreeSet<>(strings(row[1])).equals(
                                new java.util.TreeSet<>(d.schedules().stream().map(Schedule::toString).toList()));
                        if (changed || d.isPaused()) {
                            // paused by the code: as pause() does, its upcoming runs go (they would run while paused)
                            dropped.addAll(dropUpcoming(c, d.name()));
                        } else {
                            defaults.setString(1, parameters);
                            defaults.setString(2, d.name());
                            defaults.setString(3, parameters);
                            defaults.addBatch();
                            newDefaults++;
                        }
                        int i = 1;
                        update.setString(i++, d.flow().name());
                        Sql.setString(update, i++, d.version().orElse(null));
                        Sql.setString(update, i++, d.description().orElse(null));
                        update.setString(i++, json(d.tags()));
                        update.setString(i++, parameters);
                        update.setString(i++, d.parameterSchema().toJson());
                        update.setString(i++, schedules);
                        update.setInt(i++, d.isPaused() ? 1 : 0);
                        update.setInt(i++, d.concurrencyLimit().orElse(0));
                        update.setString(i++, d.catchUp().name());
                        Sql.setLong(update, i++, window);
                        update.setString(i++, d.overlap().name());
                        update.setLong(i++, t);
                        update.setInt(i++, changed ? 1 : 0);
                        update.setLong(i++, t);
                        update.setString(i++, d.name());
                        update.addBatch();
                        updates++;
                    }
                }
                if (inserts > 0) {
                    insert.executeBatch();
                }
                if (updates > 0) {
                    update.executeBatch();
                }
                if (newDefaults > 0) {
                    defaults.executeBatch();
                }
            }
            return new Registration(List.of(), dropped);
        });
    }

    /** What {@link #register} did. */
    public record Registration(List<Conflict> conflicts, List<String> droppedRuns) {
    }

    /** Deletes the scheduled (not manual) runs of {@code name} that have not started; returns their ids. */
    private List<String> dropUpcoming(Connection c, String name) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select id from sluice_deployment_run where deployment = ?"
                + " and state = 'SCHEDULED' and kind = 'SCHEDULED'")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("delete from sluice_deployment_run where deployment = ?"
                + " and state = 'SCHEDULED' and kind = 'SCHEDULED'")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
        return ids;
    }

    private static final String DEPLOYMENT_COLUMNS = "name, flow_name, version, description, tags, parameters,"
            + " parameter_schema, schedules, paused, concurrency_limit, catch_up, catch_up_window_ms, overlap, last_slot,"
            + " updated_at";

    private static DeploymentInfo deployment(ResultSet rs) throws SQLException {
        long window = rs.getLong("catch_up_window_ms");
        Duration w = rs.wasNull() ? null : Duration.ofMillis(window);
        return new DeploymentInfo(rs.getString("name"), rs.getString("flow_name"), rs.getString("version"),
                rs.getString("description"), new LinkedHashSet<>(strings(rs.getString("tags"))),
                map(rs.getString("parameters")), ParameterSchema.parse(rs.getString("parameter_schema")),
                strings(rs.getString("schedules")).stream().map(Schedule::parse).toList(), rs.getInt("paused") == 1,
                rs.getInt("concurrency_limit"), CatchUp.valueOf(rs.getString("catch_up")), w,
                Overlap.valueOf(rs.getString("overlap")), Sql.instant(rs, "last_slot"),
                Sql.instant(rs.getLong("updated_at")));
    }

    /** The deployment registered as {@code name}. */
    public Optional<DeploymentInfo> deployment(String name) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + DEPLOYMENT_COLUMNS
                    + " from sluice_deployment where name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(deployment(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every registered deployment, by name. */
    public List<DeploymentInfo> deployments() throws SQLException {
        return read(c -> {
            List<DeploymentInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select " + DEPLOYMENT_COLUMNS
                    + " from sluice_deployment order by name"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(deployment(rs));
                }
            }
            return out;
        });
    }

    /** The names of every registered deployment, sorted. */
    public List<String> deploymentNames() throws SQLException {
        return read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select name from sluice_deployment order by name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** A deployment whose schedules may have a slot to create. */
    public record Due(String name, List<String> schedules, CatchUp catchUp, @Nullable Duration window, @Nullable Long lastSlot,
            String parameters) {
    }

    /**
     * Unpaused deployments with schedules, served by a live worker, whose last slot created is before
     * {@code now} (or that have none yet).
     */
    public List<Due> due(Instant now, Instant liveSince, int limit) throws SQLException {
        return read(c -> {
            List<Due> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select d.name, d.schedules, d.catch_up, d.catch_up_window_ms,"
                    + " d.last_slot, d.parameters from sluice_deployment d where d.paused = 0 and d.schedules <> '[]'"
                    + " and (d.last_slot is null or d.last_slot < ?) and exists (select 1 from sluice_worker_deployment wd"
                    + " join sluice_worker w on w.id = wd.worker_id where wd.deployment = d.name and w.stopped_at is null"
                    + " and w.heartbeat_at >= ?) limit ?")) {
                ps.setLong(1, Sql.micros(now));
                ps.setLong(2, Sql.micros(liveSince));
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long w = rs.getLong(4);
                        Duration window = rs.wasNull() ? null : Duration.ofMillis(w);
                        long last = rs.getLong(5);
                        Long lastSlot = rs.wasNull() ? null : last;
                        out.add(new Due(rs.getString(1), strings(rs.getString(2)), CatchUp.valueOf(rs.getString(3)), window,
                                lastSlot, rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    /** The slots planned for one deployment. */
    public record Plan(Due due, long newLastSlot, List<SlotPlanner.PlannedSlot> slots) {
    }

    /** A run created, to be handed to db-scheduler. */
    public record NewRun(String id, String deployment, Instant scheduledTime) {
    }

    /**
     * Creates the planned slots' runs and moves each deployment's last slot, in one transaction: a slot
     * another process created first (the unique key) is left alone, and a deployment whose last slot
     * moved meanwhile is skipped (planned again on the next pass).
     */
    public List<NewRun> createSlots(List<Plan> plans, Instant now) throws SQLException {
        long t = Sql.micros(now);
        return inTransaction(c -> {
            List<NewRun> created = new ArrayList<>();
            try (PreparedStatement move = c.prepareStatement("update sluice_deployment set last_slot = ? where name = ?"
                    + " and paused = 0 and coalesce(last_slot, -9223372036854775807) = ?");
                    PreparedStatement insert = c.prepareStatement("insert into sluice_deployment_run (id, deployment, kind,"
                            + " slot_time, slot_attempt, scheduled_time, parameters, state, late, cancel_requested, created_at)"
                            + " values (?, ?, 'SCHEDULED', ?, 0, ?, ?, 'SCHEDULED', 0, 0, ?)"
                            + " on conflict (deployment, slot_time, slot_attempt) do nothing")) {
                for (Plan p : plans) {
                    move.setLong(1, p.newLastSlot());
                    move.setString(2, p.due().name());
                    move.setLong(3, p.due().lastSlot() == null ? -9223372036854775807L : p.due().lastSlot());
                    if (move.executeUpdate() != 1) {
                        continue;
                    }
                    for (SlotPlanner.PlannedSlot s : p.slots()) {
                        String id = newId();
                        long slot = Sql.micros(s.time());
                        insert.setString(1, id);
                        insert.setString(2, p.due().name());
                        insert.setLong(3, slot);
                        insert.setLong(4, slot);
                        insert.setString(5, p.due().parameters());
                        insert.setLong(6, t);
                        if (insert.executeUpdate() == 1) {
                            created.add(new NewRun(id, p.due().name(), s.time()));
                        }
                    }
                }
            }
            return created;
        });
    }

    /** Sets the deployment's paused flag; pausing drops its upcoming scheduled runs, resuming plans from now. */
    public Optional<List<String>> setPaused(String name, boolean paused, Instant now) throws SQLException {
        long t = Sql.micros(now);
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(paused
                    ? "update sluice_deployment set paused = 1, updated_at = ? where name = ?"
                    // the upcoming run the last slot stands for was dropped by the pause: planning starts from now, so
                    // a slot after the resume runs even if it was planned (and dropped) before the pause; resuming a
                    // deployment that is not paused changes nothing (its missed slots are still caught up)
                    : "update sluice_deployment set updated_at = ?,"
                            + " last_slot = case when paused = 1 then ? else last_slot end, paused = 0"
                            + " where name = ?")) {
                int i = 1;
                ps.setLong(i++, t);
                if (!paused) {
                    ps.setLong(i++, t);
                }
                ps.setString(i, name);
                if (ps.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            return Optional.of(paused ? dropUpcoming(c, name) : List.of());
        });
    }

    // ------------------------------------------------------------------ runs

    /** Inserts one run; empty if its (deployment, slot, attempt) exists. */
    public Optional<NewRun> insertRun(Connection c, String deployment, RunKind kind, @Nullable Instant slot, int attempt,
            Instant scheduled, String parameters, @Nullable String retryOf, Instant now) throws SQLException {
        String id = newId();
        try (PreparedStatement ps = c.prepareStatement("insert into sluice_deployment_run (id, deployment, kind, slot_time,"
                + " slot_attempt, scheduled_time, parameters, state, late, cancel_requested, retry_of, created_at)"
                + " values (?, ?, ?, ?, ?, ?, ?, 'SCHEDULED', 0, 0, ?, ?)"
                + " on conflict (deployment, slot_time, slot_attempt) do nothing")) {
            ps.setString(1, id);
            ps.setString(2, deployment);
            ps.setString(3, kind.name());
            Sql.setLong(ps, 4, slot == null ? null : Sql.micros(slot));
            ps.setInt(5, attempt);
            ps.setLong(6, Sql.micros(scheduled));
            ps.setString(7, parameters);
            Sql.setString(ps, 8, retryOf);
            ps.setLong(9, Sql.micros(now));
            return ps.executeUpdate() == 1 ? Optional.of(new NewRun(id, deployment, scheduled)) : Optional.empty();
        }
    }

    /**
     * Inserts one run in a transaction of its own, with the context it was asked for in ({@code traceContext}, a
     * JSON object of text, or null).
     */
    public NewRun insertRun(String deployment, RunKind kind, Instant scheduled, String parameters, @Nullable String retryOf,
            Instant now, @Nullable String traceContext) throws SQLException {
        return inTransaction(c -> {
            NewRun run = insertRun(c, deployment, kind, null, 0, scheduled, parameters, retryOf, now).orElseThrow();
            if (traceContext != null) {
                try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set trace_context = ? where id = ?")) {
                    ps.setString(1, traceContext);
                    ps.setString(2, run.id());
                    ps.executeUpdate();
                }
            }
            return run;
        });
    }

    /** The context run {@code id} was asked for in (a JSON object of text), if any was kept. */
    public Optional<String> traceContext(String id) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select trace_context from sluice_deployment_run where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * Creates one backfill run per slot: a slot without a run gets one; a slot whose latest run did not
     * complete, or any slot when {@code force}, gets a new attempt; a slot with a run still going is left.
     */
    public List<NewRun> backfill(String deployment, List<Instant> slots, boolean force, String parameters, Instant now)
            throws SQLException {
        return inTransaction(c -> {
            List<NewRun> out = new ArrayList<>();
            try (PreparedStatement latest = c.prepareStatement("select slot_attempt, state from sluice_deployment_run"
                    + " where deployment = ? and slot_time = ? order by slot_attempt desc limit 1")) {
                for (Instant slot : slots) {
                    latest.setString(1, deployment);
                    latest.setLong(2, Sql.micros(slot));
                    int attempt = 0;
                    try (ResultSet rs = latest.executeQuery()) {
                        if (rs.next()) {
                            String state = rs.getString(2);
                            boolean going = state.equals("SCHEDULED") || state.equals("RUNNING");
                            boolean completed = state.equals("COMPLETED");
                            if (going || (completed && !force)) {
                                continue;
                            }
                            attempt = rs.getInt(1) + 1;
                        }
                    }
                    insertRun(c, deployment, RunKind.BACKFILL, slot, attempt, now, parameters, null, now).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    private static final String RUN_COLUMNS = "id, deployment, kind, slot_time, scheduled_time, parameters, state, late,"
            + " cancel_requested, flow_run_id, worker_id, retry_of, message, created_at, started_at, ended_at";

    private static DeploymentRun run(ResultSet rs) throws SQLException {
        return new DeploymentRun(rs.getString("id"), rs.getString("deployment"), RunKind.valueOf(rs.getString("kind")),
                Sql.instant(rs, "slot_time"), Sql.instant(rs.getLong("scheduled_time")), map(rs.getString("parameters")),
                RunStatus.valueOf(rs.getString("state")), rs.getInt("late") == 1, rs.getInt("cancel_requested") != 0,
                rs.getString("flow_run_id"), rs.getString("worker_id"), rs.getString("retry_of"), rs.getString("message"),
                Sql.instant(rs.getLong("created_at")), Sql.instant(rs, "started_at"), Sql.instant(rs, "ended_at"));
    }

    /** The run {@code id}. */
    public Optional<DeploymentRun> run(String id) throws SQLException {
        return oneRun("where id = ?", id);
    }

    /** The run that started flow run {@code flowRunId} (the latest, should a handed-back run have started it again). */
    public Optional<DeploymentRun> runOfFlowRun(String flowRunId) throws SQLException {
        return oneRun("where flow_run_id = ? order by created_at desc limit 1", flowRunId);
    }

    /** The first run {@code where} (a condition on one text parameter, its order and limit) selects. */
    private Optional<DeploymentRun> oneRun(String where, String parameter) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select " + RUN_COLUMNS + " from sluice_deployment_run " + where)) {
                ps.setString(1, parameter);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(run(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The latest {@code limit} runs of {@code deployment} (all deployments if null), newest first. */
    public List<DeploymentRun> runs(@Nullable String deployment, int limit) throws SQLException {
        return read(c -> {
            List<DeploymentRun> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select " + RUN_COLUMNS + " from sluice_deployment_run"
                    + (deployment == null ? "" : " where deployment = ?") + " order by created_at desc, id desc limit ?")) {
                int i = 1;
                if (deployment != null) {
                    ps.setString(i++, deployment);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(run(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The latest run of {@code deployment} that is no longer waiting (state not SCHEDULED), whatever runs wait after it. */
    public Optional<DeploymentRun> lastRun(String deployment) throws SQLException {
        return oneRun("where deployment = ? and state <> 'SCHEDULED' order by created_at desc, id desc limit 1", deployment);
    }

    /** The outcome of {@link #claim}. */
    public enum Claim {
        /** Now RUNNING on this worker, holding its leases. */
        CLAIMED,
        /**
         * A concurrency limit is full, or the overlap policy makes it wait for a run of its deployment (under
         * {@code CANCEL_PREVIOUS} the running ones are now flagged for cancellation): try again later.
         */
        BUSY,
        /** The overlap policy skipped it: now SKIPPED, with a message naming the policy. */
        SKIPPED,
        /** Not SCHEDULED any more (cancelled, dropped, or claimed by another). */
        GONE
    }

    /** A concurrency limit: the lease key and the most leases at once. */
    public record Limit(String key, int limit) {
    }

    /** {@code cancel_requested} of a run the overlap policy {@code CANCEL_PREVIOUS} cancels (1: cancelled from outside). */
    static final int CANCEL_BY_OVERLAP = 2;

    /**
     * Moves run {@code id} from SCHEDULED to RUNNING on {@code worker}, taking one lease of each limit,
     * in one transaction, after the {@code overlap} policy's decision in the same transaction (pass
     * {@link Overlap#ALLOW} for runs the policy does not apply to). On PostgreSQL the deployment's row is
     * locked first, so two workers decide and count leases one after the other; on SQLite the write
     * transaction is the only one.
     *
     * <ul>
     * <li>{@code SKIP}: SKIPPED if a run of the deployment is RUNNING.
     * <li>{@code QUEUE_ONE}: the oldest waiting slot run goes first: BUSY while a run is RUNNING or an
     * older slot run waits; SKIPPED if a run is RUNNING and an older slot run already waits.
     * <li>{@code CANCEL_PREVIOUS}: SKIPPED if a later slot run is due too (it supersedes this one); else the
     * RUNNING runs are flagged for cancellation with a message naming the policy, and it is BUSY until
     * none is RUNNING.
     * </ul>
     */
    public Claimed claim(String id, String deployment, String worker, Clock clock, Duration grace, List<Limit> limits,
            Instant leaseExpiry, Overlap overlap, Instant scheduled) throws SQLException {
        return claim(id, deployment, worker, clock, grace, limits, leaseExpiry, overlap, scheduled, Holders.NONE);
    }

    /**
     * What {@link #claim} decided, and when: the time is read from the clock inside the claim's transaction, once the
     * overlap policy and the limits were checked, so a run that waited for the previous one to end starts after that
     * end (and not at a time read before it).
     */
    public record Claimed(Claim outcome, Instant at) {
    }

    /**
     * The holders of leases as the claiming worker sees them: those it saw heartbeat within the dead-worker period and
     * those it saw stop heartbeating, each by its own clock. A lease of a live holder counts whatever its expiry says,
     * one of a dead holder does not, and one of any other holder counts until its expiry: so workers whose clocks
     * disagree by more than the dead-worker period still count each other's leases.
     */
    public record Holders(Set<String> live, Set<String> dead) {
        /** No holder known: every lease counts until its expiry. */
        public static final Holders NONE = new Holders(Set.of(), Set.of());

        /** Copies the sets. */
        public Holders {
            live = Set.copyOf(live);
            dead = Set.copyOf(dead);
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    /** As {@link #claim(String, String, String, Clock, Duration, List, Instant, Overlap, Instant)}, leases counted by {@code holders}. */
    public Claimed claim(String id, String deployment, String worker, Clock clock, Duration grace, List<Limit> limits,
            Instant leaseExpiry, Overlap overlap, Instant scheduled, Holders holders) throws SQLException {
        List<String> live = List.copyOf(holders.live());
        List<String> dead = List.copyOf(holders.dead());
        String counted = "expires_at > ?";
        if (!dead.isEmpty()) {
            counted = "(" + counted + " and worker_id not in (" + placeholders(dead.size()) + "))";
        }
        if (!live.isEmpty()) {
            counted = "(" + counted + " or worker_id in (" + placeholders(live.size()) + "))";
        }
        String countSql = "select count(*) from sluice_lease where lease_key = ? and " + counted;
        Work<Claimed> work = c -> {
            if (postgres && (!limits.isEmpty() || overlap != Overlap.ALLOW)) {
                try (PreparedStatement lock = c.prepareStatement("select name from sluice_deployment where name = ? for update")) {
                    lock.setString(1, deployment);
                    lock.executeQuery().close();
                }
            }
            Instant now = clock.instant();
            long t = Sql.micros(now);
            if (overlap != Overlap.ALLOW) {
                Claim decided = overlap(c, id, deployment, overlap, scheduled, now);
                if (decided != null) {
                    return new Claimed(decided, now);
                }
            }
            if (limits.stream().anyMatch(l -> l.key().equals("deployment:" + deployment))) {
                // under the deployment's own limit its due runs start in order (caught-up slots oldest first): a
                // newer one waits while an older one waits too, instead of racing it for the lease at each retry
                long s = Sql.micros(scheduled);
                try (PreparedStatement ps = c.prepareStatement("select 1 from sluice_deployment_run where deployment = ?"
                        + " and state = 'SCHEDULED' and cancel_requested = 0 and id <> ? and scheduled_time <= ?"
                        + " and (scheduled_time < ? or (scheduled_time = ? and id < ?)) limit 1")) {
                    ps.setString(1, deployment);
                    ps.setString(2, id);
                    ps.setLong(3, t);
                    ps.setLong(4, s);
                    ps.setLong(5, s);
                    ps.setString(6, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return new Claimed(Claim.BUSY, now);
                        }
                    }
                }
            }
            if (!limits.isEmpty()) {
                if (postgres) {
                    for (Limit l : limits) {
                        if (l.key().startsWith("tag:")) {
                            try (PreparedStatement lock = c.prepareStatement("select tag from sluice_tag_limit where tag = ? for update")) {
                                lock.setString(1, l.key().substring(4));
                                lock.executeQuery().close();
                            }
                        }
                    }
                }
                try (PreparedStatement count = c.prepareStatement(countSql)) {
                    for (Limit l : limits) {
                        int i = 1;
                        count.setString(i++, l.key());
                        count.setLong(i++, t);
                        for (String w : dead) {
                            count.setString(i++, w);
                        }
                        for (String w : live) {
                            count.setString(i++, w);
                        }
                        try (ResultSet rs = count.executeQuery()) {
                            rs.next();
                            if (rs.getLong(1) >= l.limit()) {
                                return new Claimed(Claim.BUSY, now);
                            }
                        }
                    }
                }
            }
            // the start is read now, after the overlap policy and the limits saw what is running: a previous run whose
            // end they saw ended before it (by this clock)
            Instant at = clock.instant();
            if (at.isBefore(now)) {
                at = now;
            }
            long started = Sql.micros(at);
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = 'RUNNING', worker_id = ?,"
                    + " started_at = ?, late = case when late = 1 or scheduled_time < ? then 1 else 0 end"
                    + " where id = ? and state = 'SCHEDULED' and cancel_requested = 0")) {
                ps.setString(1, worker);
                ps.setLong(2, started);
                ps.setLong(3, started - grace.toNanos() / 1_000);
                ps.setString(4, id);
                if (ps.executeUpdate() != 1) {
                    return new Claimed(Claim.GONE, now);
                }
            }
            if (!limits.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("insert into sluice_lease (lease_key, run_id, worker_id,"
                        + " expires_at) values (?, ?, ?, ?)")) {
                    for (Limit l : limits) {
                        ps.setString(1, l.key());
                        ps.setString(2, id);
                        ps.setString(3, worker);
                        ps.setLong(4, Sql.micros(leaseExpiry));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return new Claimed(Claim.CLAIMED, at);
        };
        if (limits.isEmpty() && overlap == Overlap.ALLOW) {
            return read(work); // one conditional update: atomic in auto-commit
        }
        // every path that is not CLAIMED wrote either nothing or only its decision (a skip, cancel flags): commit it
        return inTransaction(work);
    }

    /**
     * The overlap policy's decision for slot run {@code id} of {@code deployment} (due at {@code scheduled}),
     * within the claim's transaction; null: go on with the claim.
     */
    private @Nullable Claim overlap(Connection c, String id, String deployment, Overlap overlap, Instant scheduled,
            Instant now) throws SQLException {
        if (!isScheduled(c, id)) {
            return Claim.GONE;
        }
        long s = Sql.micros(scheduled);
        int running;
        try (PreparedStatement ps = c.prepareStatement("select count(*) from sluice_deployment_run where deployment = ?"
                + " and state = 'RUNNING'")) {
            ps.setString(1, deployment);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                running = rs.getInt(1);
            }
        }
        switch (overlap) {
            case SKIP -> {
                return running > 0 ? skip(c, id, "skipped: the previous run was still going (overlap SKIP)", now) : null;
            }
            case QUEUE_ONE -> {
                // waiting slot runs that will still be claimed, from before this one (due time, then id)
                boolean olderWaits;
                try (PreparedStatement ps = c.prepareStatement("select 1 from sluice_deployment_run where deployment = ?"
                        + " and state = 'SCHEDULED' and kind = 'SCHEDULED' and cancel_requested = 0 and id <> ?"
                        + " and (scheduled_time < ? or (scheduled_time = ? and id < ?)) limit 1")) {
                    ps.setString(1, deployment);
                    ps.setString(2, id);
                    ps.setLong(3, s);
                    ps.setLong(4, s);
                    ps.setString(5, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        olderWaits = rs.next();
                    }
                }
                if (running > 0 && olderWaits) {
                    return skip(c, id, "skipped: one run already waits for the previous one (overlap QUEUE_ONE)", now);
                }
                return running > 0 || olderWaits ? Claim.BUSY : null;
            }
            case CANCEL_PREVIOUS -> {
                try (PreparedStatement ps = c.prepareStatement("select scheduled_time from sluice_deployment_run"
                        + " where deployment = ? and state = 'SCHEDULED' and kind = 'SCHEDULED' and cancel_requested = 0"
                        + " and id <> ? and (scheduled_time > ? or (scheduled_time = ? and id > ?)) and scheduled_time <= ?"
                        + " order by scheduled_time desc limit 1")) {
                    ps.setString(1, deployment);
                    ps.setString(2, id);
                    ps.setLong(3, s);
                    ps.setLong(4, s);
                    ps.setString(5, id);
                    ps.setLong(6, Sql.micros(now));
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            return skip(c, id, "skipped: the later slot " + Sql.instant(rs.getLong(1)) + " is due too"
                                    + " (overlap CANCEL_PREVIOUS)", now);
                        }
                    }
                }
                if (running == 0) {
                    return null;
                }
                try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set cancel_requested = ?,"
                        + " message = ? where deployment = ? and state = 'RUNNING' and cancel_requested = 0")) {
                    ps.setInt(1, CANCEL_BY_OVERLAP);
                    ps.setString(2, "cancelled by overlap policy CANCEL_PREVIOUS: slot " + scheduled + " is due");
                    ps.setString(3, deployment);
                    ps.executeUpdate();
                }
                return Claim.BUSY;
            }
            default -> {
                return null;
            }
        }
    }

    private static boolean isScheduled(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select 1 from sluice_deployment_run where id = ?"
                + " and state = 'SCHEDULED' and cancel_requested = 0")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Claim skip(Connection c, String id, String message, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = 'SKIPPED', message = ?,"
                + " ended_at = ? where id = ? and state = 'SCHEDULED'")) {
            ps.setString(1, message);
            ps.setLong(2, Sql.micros(now));
            ps.setString(3, id);
            ps.executeUpdate();
        }
        return Claim.SKIPPED;
    }

    /** Ends run {@code id} with {@code status} (if it is not finished yet) and frees its leases. */
    public void finish(String id, RunStatus status, @Nullable String message, @Nullable String flowRunId, Instant now)
            throws SQLException {
        finish(id, status, message, flowRunId, now, null);
    }

    /**
     * Ends run {@code id} with {@code status} if it is not finished yet and, when {@code worker} is not null, still
     * runs on that worker, and then frees its leases: a worker taken for dead whose run was run again elsewhere
     * (its retry policy) neither ends the new attempt nor frees its leases.
     *
     * @return whether the run was ended by this call
     */
    public boolean finish(String id, RunStatus status, @Nullable String message, @Nullable String flowRunId, Instant now,
            @Nullable String worker) throws SQLException {
        return inTransaction(c -> {
            // a run the overlap policy cancelled keeps the message naming the policy
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = ?, message = case"
                    + " when cancel_requested = " + CANCEL_BY_OVERLAP + " and ? = 'CANCELLED' and message is not null"
                    + " then message else ? end, flow_run_id = coalesce(?, flow_run_id), ended_at = ? where id = ?"
                    + " and state in " + ACTIVE + (worker == null ? "" : " and worker_id = ?"))) {
                ps.setString(1, status.name());
                ps.setString(2, status.name());
                Sql.setString(ps, 3, message == null ? null : message.length() > 2000 ? message.substring(0, 2000) : message);
                Sql.setString(ps, 4, flowRunId);
                ps.setLong(5, Sql.micros(now));
                ps.setString(6, id);
                if (worker != null) {
                    ps.setString(7, worker);
                }
                if (ps.executeUpdate() == 0 && worker != null) {
                    return false; // ended already, or run again on another worker: its leases are that worker's
                }
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sluice_lease where run_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Puts a RUNNING run of {@code worker} back to SCHEDULED (its worker stops before it ran to the end) and frees its
     * leases, unless its cancel was asked for: a claim never takes such a run, so it would wait forever.
     *
     * @return whether it was handed back
     */
    public boolean handBack(String id, String worker) throws SQLException {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = 'SCHEDULED',"
                    + " worker_id = null, started_at = null, flow_run_id = null where id = ? and state = 'RUNNING'"
                    + " and worker_id = ? and cancel_requested = 0")) {
                ps.setString(1, id);
                ps.setString(2, worker);
                if (ps.executeUpdate() == 0) {
                    return false; // its cancel was asked for (a run no claim would take again), or not this worker's any more
                }
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sluice_lease where run_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Puts a RUNNING run whose worker died back to SCHEDULED (the flow's retry policy allows another
     * attempt), counting the crash and freeing its leases.
     *
     * @return the crashes counted so far, this one included; 0 if the run was not RUNNING on {@code deadWorker}
     */
    public int crashRetry(String id, String deadWorker, String message) throws SQLException {
        return inTransaction(c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = 'SCHEDULED',"
                    + " worker_id = null, started_at = null, flow_run_id = null, crashes = crashes + 1, message = ?"
                    + " where id = ? and state = 'RUNNING' and worker_id = ? and cancel_requested = 0")) {
                ps.setString(1, message);
                ps.setString(2, id);
                ps.setString(3, deadWorker);
                n = ps.executeUpdate();
            }
            if (n == 0) {
                return 0; // judged by another worker first, and maybe running again already: its leases stay
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sluice_lease where run_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("select crashes from sluice_deployment_run where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** How often run {@code id}'s worker died while running it. */
    public int crashes(String id) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select crashes from sluice_deployment_run where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    /** Records the flow run id of a run that started. */
    public void setFlowRunId(String id, String flowRunId) throws SQLException {
        read(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set flow_run_id = ? where id = ?")) {
                ps.setString(1, flowRunId);
                ps.setString(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Asks for run {@code id} to be cancelled: a SCHEDULED one is CANCELLED at once, a RUNNING one is
     * flagged for its worker.
     *
     * @return the status it had, empty if there is no such run
     */
    public Optional<RunStatus> requestCancel(String id, Instant now) throws SQLException {
        return inTransaction(c -> {
            RunStatus before;
            try (PreparedStatement ps = c.prepareStatement("select state from sluice_deployment_run where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    before = RunStatus.valueOf(rs.getString(1));
                }
            }
            if (before == RunStatus.SCHEDULED) {
                try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set state = 'CANCELLED',"
                        + " cancel_requested = 1, message = 'cancelled before it started', ended_at = ?"
                        + " where id = ? and state = 'SCHEDULED'")) {
                    ps.setLong(1, Sql.micros(now));
                    ps.setString(2, id);
                    ps.executeUpdate();
                }
            } else if (before == RunStatus.RUNNING) {
                try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set cancel_requested = 1"
                        + " where id = ? and state = 'RUNNING' and cancel_requested = 0")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
            return Optional.of(before);
        });
    }

    /** The RUNNING runs of {@code worker} whose cancel was asked for. */
    public List<String> cancelRequested(String worker) throws SQLException {
        return read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id from sluice_deployment_run where worker_id = ?"
                    + " and state = 'RUNNING' and cancel_requested <> 0")) {
                ps.setString(1, worker);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** Whether a SCHEDULED slot run of {@code deployment} due after {@code scheduled} and by {@code now} exists. */
    public boolean newerDue(String deployment, Instant scheduled, Instant now) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select 1 from sluice_deployment_run where deployment = ?"
                    + " and state = 'SCHEDULED' and kind = 'SCHEDULED' and scheduled_time > ? and scheduled_time <= ? limit 1")) {
                ps.setString(1, deployment);
                ps.setLong(2, Sql.micros(scheduled));
                ps.setLong(3, Sql.micros(now));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Marks late the SCHEDULED runs due before {@code before}. */
    public int markLate(Instant before) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sluice_deployment_run set late = 1"
                    + " where state = 'SCHEDULED' and late = 0 and scheduled_time < ?")) {
                ps.setLong(1, Sql.micros(before));
                return ps.executeUpdate();
            }
        });
    }

    /**
     * SCHEDULED runs made before {@code before} that have no db-scheduler execution (their maker stopped
     * between the two writes, or was a client that does not schedule): to be scheduled again.
     */
    public List<NewRun> withoutExecution(String table, Instant before, int limit) throws SQLException {
        return read(c -> {
            List<NewRun> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select r.id, r.deployment, r.scheduled_time"
                    + " from sluice_deployment_run r where r.state = 'SCHEDULED' and r.created_at < ? and not exists"
                    + " (select 1 from " + table + " t where t.task_name = " + (postgres ? "'sluice-run/' || r.deployment"
                            : "'sluice-run/' || r.deployment") + " and t.task_instance = r.id) limit ?")) {
                ps.setLong(1, Sql.micros(before));
                ps.setInt(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new NewRun(rs.getString(1), rs.getString(2), Sql.instant(rs.getLong(3))));
                    }
                }
            }
            return out;
        });
    }

    // ------------------------------------------------------------------ workers and leases

    /** Registers a worker and the deployments it serves. */
    public void registerWorker(String id, String name, String host, long pid, Instant now, List<String> deployments)
            throws SQLException {
        long t = Sql.micros(now);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into sluice_worker (id, name, host, pid, started_at,"
                    + " heartbeat_at) values (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setString(3, host);
                ps.setLong(4, pid);
                ps.setLong(5, t);
                ps.setLong(6, t);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into sluice_worker_deployment (worker_id, deployment)"
                    + " values (?, ?)")) {
                for (String d : deployments) {
                    ps.setString(1, id);
                    ps.setString(2, d);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Beats the worker's heart and renews the leases its runs hold. */
    public void heartbeat(String worker, Instant now, Instant leaseExpiry) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sluice_worker set heartbeat_at = ? where id = ?")) {
                ps.setLong(1, Sql.micros(now));
                ps.setString(2, worker);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("update sluice_lease set expires_at = ? where worker_id = ?")) {
                ps.setLong(1, Sql.micros(leaseExpiry));
                ps.setString(2, worker);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** What one {@link #purge} deleted. */
    public record Purged(long runs, long workers) {
    }

    private static final int PURGE_BATCH = 1000;
    private static final String SUCCESS_STATES = "'COMPLETED', 'SKIPPED'";
    private static final String FAILURE_STATES = "'FAILED', 'CANCELLED', 'CRASHED', 'TIMED_OUT'";

    /**
     * Deletes the finished deployment runs that ended longer ago than {@code retention} keeps their state
     * (completed and skipped ones by its completed period, the others by its failed period), and the workers
     * (with what they served) that have not heartbeat for longer than its longest period; in transactions of
     * at most 1,000 rows, so planning and claiming go on in between. Runs still scheduled or running stay.
     */
    public Purged purge(dev.sluice.history.Retention retention, Instant now) throws SQLException {
        long runs = 0;
        if (retention.completed() != null) {
            runs += purgeRuns(SUCCESS_STATES, Sql.micros(now.minus(retention.completed())));
        }
        if (retention.failed() != null) {
            runs += purgeRuns(FAILURE_STATES, Sql.micros(now.minus(retention.failed())));
        }
        long workers = 0;
        if (retention.completed() != null && retention.failed() != null) {
            Duration longest = retention.completed().compareTo(retention.failed()) >= 0 ? retention.completed() : retention.failed();
            long cutoff = Sql.micros(now.minus(longest));
            while (true) {
                long n = inTransaction(c -> {
                    List<String> ids = new ArrayList<>();
                    try (PreparedStatement ps = c.prepareStatement("select id from sluice_worker where heartbeat_at < ? limit "
                            + PURGE_BATCH)) {
                        ps.setLong(1, cutoff);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                ids.add(rs.getString(1));
                            }
                        }
                    }
                    for (String table : List.of("sluice_worker_deployment", "sluice_lease")) {
                        try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where worker_id = ?")) {
                            for (String id : ids) {
                                ps.setString(1, id);
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("delete from sluice_worker where id = ?")) {
                        for (String id : ids) {
                            ps.setString(1, id);
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                    return (long) ids.size();
                });
                workers += n;
                if (n < PURGE_BATCH) {
                    break;
                }
            }
        }
        return new Purged(runs, workers);
    }

    private long purgeRuns(String states, long cutoff) throws SQLException {
        long total = 0;
        while (true) {
            // the (state, scheduled_time) index bounds the search: a run ends after it was due
            long n = inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement("delete from sluice_deployment_run where id in (select id from"
                        + " sluice_deployment_run where state in (" + states + ") and scheduled_time < ? and ended_at < ? limit "
                        + PURGE_BATCH + ")")) {
                    ps.setLong(1, cutoff);
                    ps.setLong(2, cutoff);
                    return (long) ps.executeUpdate();
                }
            });
            total += n;
            if (n < PURGE_BATCH) {
                return total;
            }
        }
    }

    /** Marks the worker stopped and drops what it served. */
    public void workerStopped(String worker, Instant now) throws SQLException {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("update sluice_worker set stopped_at = ? where id = ?")) {
                ps.setLong(1, Sql.micros(now));
                ps.setString(2, worker);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sluice_worker_deployment where worker_id = ?")) {
                ps.setString(1, worker);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("delete from sluice_lease where worker_id = ?")) {
                ps.setString(1, worker);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The last heartbeat, as each one's clock wrote it, of every worker not marked stopped, by worker id. */
    public Map<String, Long> workerHeartbeats() throws SQLException {
        return read(c -> {
            Map<String, Long> out = new java.util.HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select id, heartbeat_at from sluice_worker where stopped_at is null");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    /** The workers that heartbeat since {@code since} (or all, if null), newest first, with what they serve and run. */
    public List<WorkerInfo> workers(@Nullable Instant since) throws SQLException {
        return read(c -> {
            Map<String, List<String>> served = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select worker_id, deployment from sluice_worker_deployment"
                    + " order by deployment"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    served.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            Map<String, List<String>> running = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select worker_id, id from sluice_deployment_run"
                    + " where state = 'RUNNING' and worker_id is not null"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    running.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
            List<WorkerInfo> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id, name, host, pid, started_at, heartbeat_at, stopped_at"
                    + " from sluice_worker where heartbeat_at >= ? order by started_at desc")) {
                ps.setLong(1, since == null ? Long.MIN_VALUE : Sql.micros(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        out.add(new WorkerInfo(id, rs.getString(2), rs.getString(3), rs.getLong(4),
                                Sql.instant(rs.getLong(5)), Sql.instant(rs.getLong(6)), Sql.instant(rs, "stopped_at"),
                                served.getOrDefault(id, List.of()), running.getOrDefault(id, List.of())));
                    }
                }
            }
            return out;
        });
    }

    /** Sets (limit > 0) or removes (0) the concurrency limit of {@code tag}. */
    public void setTagLimit(String tag, int limit, Instant now) throws SQLException {
        read(c -> {
            if (limit <= 0) {
                try (PreparedStatement ps = c.prepareStatement("delete from sluice_tag_limit where tag = ?")) {
                    ps.setString(1, tag);
                    return ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("insert into sluice_tag_limit (tag, concurrency_limit, updated_at)"
                    + " values (?, ?, ?) on conflict (tag) do update set concurrency_limit = excluded.concurrency_limit,"
                    + " updated_at = excluded.updated_at")) {
                ps.setString(1, tag);
                ps.setInt(2, limit);
                ps.setLong(3, Sql.micros(now));
                return ps.executeUpdate();
            }
        });
    }

    /** Every tag's concurrency limit. */
    public Map<String, Integer> tagLimits() throws SQLException {
        return read(c -> {
            Map<String, Integer> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("select tag, concurrency_limit from sluice_tag_limit");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
            return out;
        });
    }

    /** How many leases of {@code key} are alive at {@code now}. */
    public int liveLeases(String key, Instant now) throws SQLException {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from sluice_lease where lease_key = ?"
                    + " and expires_at > ?")) {
                ps.setString(1, key);
                ps.setLong(2, Sql.micros(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }
}
