package dev.sluice.history.internal;

import dev.sluice.State;
import dev.sluice.history.FlowRunDetail;
import dev.sluice.history.FlowRunQuery;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.LogEntry;
import dev.sluice.history.LogQuery;
import dev.sluice.history.Page;
import dev.sluice.history.RunSort;
import dev.sluice.history.StateCount;
import dev.sluice.history.TaskRunDetail;
import dev.sluice.history.TaskRunQuery;
import dev.sluice.history.TaskRunSummary;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The read side of a history: every list is keyset-paginated (the next page continues after the last
 * row's sort key and id, so it costs what the first page does), and every condition maps onto an index.
 */
public final class Queries {
    private static final String FLOW_COLUMNS = "f.id, f.name, f.flow_name, f.version, f.state, f.parent_flow_run_id,"
            + " f.tags, f.attempts, f.created_at, f.start_time, f.end_time, f.duration_us, f.updated_at, f.sort_time";
    private static final String TASK_COLUMNS = "f.id, f.name, f.task_name, f.version, f.state, f.flow_run_id,"
            + " f.parent_task_run_id, f.tags, f.attempts, f.cache_key, f.cached_from_run_id, f.created_at, f.start_time,"
            + " f.end_time, f.duration_us, f.updated_at, f.sort_time";
    private static final int DETAIL_PAGE = 100;

    private final Database db;
    private final Clock clock;

    public Queries(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A SQL text and its arguments, built up condition by condition. */
    static final class Sql {
        final StringBuilder text = new StringBuilder(256);
        final List<Object> args = new ArrayList<>();

        Sql add(String s, Object... values) {
            text.append(s);
            args.addAll(List.of(values));
            return this;
        }

        Sql in(String column, Collection<?> values) {
            text.append(" and ").append(column).append(" in (");
            int i = 0;
            for (Object v : values) {
                text.append(i++ == 0 ? "?" : ", ?");
                args.add(v instanceof State s ? s.name() : v);
            }
            text.append(')');
            return this;
        }

        PreparedStatement prepare(Connection c, Dialect dialect) throws SQLException {
            PreparedStatement ps = c.prepareStatement(text.toString());
            if (dialect == Dialect.POSTGRESQL) {
                Pg.planEachTime(ps);
            }
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else if (a instanceof Integer n) {
                    ps.setInt(i + 1, n);
                } else {
                    ps.setString(i + 1, (String) a);
                }
            }
            return ps;
        }
    }

    /** The conditions both kinds of runs share. */
    private record Filter(String table, String tagTable, Set<String> definitionNames, String definitionColumn,
            @Nullable String name, @Nullable String nameLike, Set<String> allTags, Set<String> anyTags, Set<State> states,
            @Nullable Instant after, @Nullable Instant before, boolean broadPrefix) {
    }

    private void where(Sql sql, Filter f) {
        if (!f.definitionNames().isEmpty()) {
            sql.in("f." + f.definitionColumn(), f.definitionNames());
        }
        if (f.name() != null) {
            sql.add(" and f.name = ?", f.name());
        }
        if (f.nameLike() != null) {
            String pattern = f.nameLike();
            String prefix = likePrefix(pattern);
            // SQLite's LIKE ignores the case of ASCII letters (PostgreSQL's does not): the same pattern as a GLOB,
            // which is case-sensitive, matches on SQLite what LIKE matches on PostgreSQL
            boolean sqlite = db.dialect() == Dialect.SQLITE;
            String match = sqlite ? " glob ?" : " like ? escape '\\'";
            String value = sqlite ? likeToGlob(pattern) : pattern;
            if (prefix.isEmpty() || f.broadPrefix()) {
                // "+" keeps SQLite off the name index: reading the sort index in order is cheaper here (PostgreSQL has
                // no unary plus on text, and its planner needs no such hint)
                sql.add(" and " + (sqlite ? "+" : "") + "f.name" + match, value);
            } else {
                sql.add(" and f.name" + match, value);
                sql.add(" and f.name >= ? and f.name < ?", prefix, successor(prefix));
            }
        }
        for (String tag : f.allTags()) {
            sql.add(" and exists (select 1 from " + f.tagTable() + " t where t.run_id = f.id and t.tag = ?)", tag);
        }
        if (!f.anyTags().isEmpty()) {
            sql.add(" and exists (select 1 from " + f.tagTable() + " t where t.run_id = f.id");
            sql.in("t.tag", f.anyTags());
            sql.add(")");
        }
        if (!f.states().isEmpty()) {
            sql.in("f.state", f.states());
            if (f.table().equals("task_run") && !f.states().contains(State.COMPLETED)) {
                sql.add(" and f.state <> 'COMPLETED'"); // the condition of the partial index on task run states
            }
        }
        if (f.after() != null) {
            sql.add(" and f.sort_time >= ?", Times.micros(f.after()));
        }
        if (f.before() != null) {
            sql.add(" and f.sort_time < ?", Times.micros(f.before()));
        }
    }

    /**
     * A LIKE pattern ({@code %}, {@code _}, {@code \} escaping them) as the SQLite GLOB pattern that matches the same
     * names, case-sensitively: {@code *}, {@code ?} and {@code [} stand for themselves in brackets.
     */
    static String likeToGlob(String pattern) {
        StringBuilder sb = new StringBuilder(pattern.length() + 8);
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                literal(sb, pattern.charAt(++i));
            } else if (ch == '%') {
                sb.append('*');
            } else if (ch == '_') {
                sb.append('?');
            } else {
                literal(sb, ch);
            }
        }
        return sb.toString();
    }

    private static void literal(StringBuilder glob, char ch) {
        if (ch == '*' || ch == '?' || ch == '[') {
            glob.append('[').append(ch).append(']');
        } else {
            glob.append(ch);
        }
    }

    /** The fixed beginning of a LIKE pattern (up to its first wildcard), unescaped. */
    static String likePrefix(String pattern) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '\\' && i + 1 < pattern.length()) {
                sb.append(pattern.charAt(++i));
            } else if (ch == '%' || ch == '_') {
                break;
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The smallest string greater than every string starting with {@code prefix}. */
    private static String successor(String prefix) {
        int last = prefix.codePointBefore(prefix.length());
        int cut = prefix.length() - Character.charCount(last);
        return prefix.substring(0, cut) + new String(Character.toChars(last == Character.MAX_CODE_POINT ? last : last + 1));
    }

    private static String sortColumn(RunSort sort) {
        return switch (sort) {
            case START_TIME_DESC, START_TIME_ASC -> "sort_time";
            case DURATION_DESC, DURATION_ASC -> "duration_us";
        };
    }

    private static boolean descending(RunSort sort) {
        return sort == RunSort.START_TIME_DESC || sort == RunSort.DURATION_DESC;
    }

    private void page(Sql sql, RunSort sort, @Nullable String cursor, int limit, char kind, String conditions) {
        String col = "f." + sortColumn(sort);
        boolean desc = descending(sort);
        if (cursor != null) {
            Cursor c = Cursor.decode(cursor, kind, sort, conditions);
            String cmp = desc ? "<" : ">";
            if (db.dialect() == Dialect.POSTGRESQL) {
                // a row comparison is one condition on the (key, id) end of an index: the planner seeks to it and
                // estimates it as it does the first page's range, so a later page gets the first page's plan
                sql.add(" and (" + col + ", f.id) " + cmp + " (?, ?)", c.key(), c.id());
            } else {
                sql.add(" and " + col + " " + cmp + "= ? and (" + col + " " + cmp + " ? or f.id " + cmp + " ?)", c.key(),
                        c.key(), c.id());
            }
        }
        String dir = desc ? " desc" : " asc";
        sql.add(" order by " + col + dir + ", f.id" + dir + " limit ?", limit + 1);
    }

    /**
     * What a query selects (not its page size, cursor or time bounds, which a "last hour" list moves from page to
     * page), as a short hash: a cursor carries it, so the next page of one query is never asked of another (which
     * would page through other runs without a word). Sets are sorted: the same query made in another JVM has the
     * same conditions.
     */
    static String conditions(dev.sluice.history.FlowRunQuery q) {
        return fingerprint("f", new java.util.TreeSet<>(q.flowNames()), q.name().orElse(null), q.nameLike().orElse(null),
                new java.util.TreeSet<>(q.allTags()), new java.util.TreeSet<>(q.anyTags()), new java.util.TreeSet<>(q.states()),
                q.parentFlowRunId().orElse(null), q.topLevelOnly());
    }

    static String conditions(dev.sluice.history.TaskRunQuery q) {
        return fingerprint("t", new java.util.TreeSet<>(q.taskNames()), q.name().orElse(null), q.nameLike().orElse(null),
                new java.util.TreeSet<>(q.allTags()), new java.util.TreeSet<>(q.anyTags()), new java.util.TreeSet<>(q.states()),
                q.flowRunId().orElse(null), q.outsideFlowsOnly());
    }

    private static String fingerprint(Object... parts) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        for (Object p : parts) {
            crc.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
            crc.update(0);
        }
        return Long.toHexString(crc.getValue());
    }

    /** A position in a list: the last row's sort key and id. */
    record Cursor(long key, String id) {
        static String encode(char kind, RunSort sort, String conditions, long key, String id) {
            String raw = "2|" + kind + "|" + sort.name() + "|" + conditions + "|" + key + "|" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor, char kind, RunSort sort, String conditions) {
            String raw;
            try {
                raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a cursor of this history: '" + cursor + "'");
            }
            String[] parts = raw.split("\\|", 6);
            if (parts.length == 5 && parts[0].equals("1")) {
                // a cursor made before cursors said their query's conditions: taken as it is
                parts = new String[] {"2", parts[1], parts[2], conditions, parts[3], parts[4]};
            }
            if (parts.length != 6 || !parts[0].equals("2") || parts[1].length() != 1) {
                throw new IllegalArgumentException("not a cursor of this history: '" + cursor + "'");
            }
            if (parts[1].charAt(0) != kind) {
                throw new IllegalArgumentException("cursor '" + cursor + "' belongs to a list of "
                        + (kind == 'f' ? "task" : "flow") + " runs, not " + (kind == 'f' ? "flow" : "task") + " runs");
            }
            if (!parts[2].equals(sort.name())) {
                throw new IllegalArgumentException("cursor '" + cursor + "' belongs to a list sorted by " + parts[2]
                        + ", not " + sort + "; keep the query's order when paging");
            }
            if (!parts[3].equals(conditions)) {
                throw new IllegalArgumentException("cursor '" + cursor + "' is a page of another query: keep the query's"
                        + " filters (names, tags, states, times) when paging, and give it the cursor with after(...)");
            }
            try {
                return new Cursor(Long.parseLong(parts[4]), parts[5]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cursor of this history: '" + cursor + "'");
            }
        }
    }

    private Filter filter(FlowRunQuery q) throws SQLException {
        String like = q.nameLike().orElse(null);
        return new Filter("flow_run", "flow_run_tag", q.flowNames(), "flow_name", q.name().orElse(null),
                like, q.allTags(), q.anyTags(), q.states(), q.startedAfter().orElse(null),
                q.startedBefore().orElse(null), like != null && broad("flow_run", likePrefix(like)));
    }

    private Filter filter(TaskRunQuery q) {
        return new Filter("task_run", "task_run_tag", q.taskNames(), "task_name", q.name().orElse(null),
                q.nameLike().orElse(null), q.allTags(), q.anyTags(), q.states(), q.startedAfter().orElse(null),
                q.startedBefore().orElse(null), false); // task run names have no index of their own
    }

    /** How many names a prefix may match before reading the time index beats reading the name index (SQLite). */
    private static final int BROAD_PREFIX = 2_000;

    /**
     * Whether {@code prefix} matches so many names that the name index is the wrong way in. PostgreSQL's
     * planner knows from its statistics; SQLite's does not, so ask the index (it stops counting at the bound).
     */
    private boolean broad(String table, String prefix) throws SQLException {
        if (prefix.isEmpty() || db.dialect() != Dialect.SQLITE) {
            return false;
        }
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select count(*) from (select 1 from "
                + table + " where name >= ? and name < ? limit " + BROAD_PREFIX + ")")) {
            ps.setString(1, prefix);
            ps.setString(2, successor(prefix));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) >= BROAD_PREFIX;
            }
        }
    }

    private Sql flowRunsSql(FlowRunQuery q) throws SQLException {
        String cursor = q.cursor().orElse(null);
        return flowRunsSql(q, cursor, cursor == null || db.dialect() != Dialect.SQLITE ? null
                : firstPageIndex(flowRunsSql(q, null, null)));
    }

    private Sql flowRunsSql(FlowRunQuery q, @Nullable String cursor, @Nullable String index) throws SQLException {
        Sql sql = new Sql().add("select " + FLOW_COLUMNS + " from flow_run f" + indexedBy(index) + " where 1 = 1");
        where(sql, filter(q));
        if (q.parentFlowRunId().isPresent()) {
            sql.add(" and f.parent_flow_run_id = ?", q.parentFlowRunId().get());
        } else if (q.topLevelOnly()) {
            sql.add(" and f.parent_flow_run_id is null");
        }
        page(sql, q.sort(), cursor, q.limit(), 'f', conditions(q));
        return sql;
    }

    private Sql taskRunsSql(TaskRunQuery q) throws SQLException {
        String cursor = q.cursor().orElse(null);
        return taskRunsSql(q, cursor, cursor == null || db.dialect() != Dialect.SQLITE ? null
                : firstPageIndex(taskRunsSql(q, null, null)));
    }

    private Sql taskRunsSql(TaskRunQuery q, @Nullable String cursor, @Nullable String index) {
        Sql sql = new Sql().add("select " + TASK_COLUMNS + " from task_run f" + indexedBy(index) + " where 1 = 1");
        where(sql, filter(q));
        if (q.flowRunId().isPresent()) {
            sql.add(" and f.flow_run_id = ?", q.flowRunId().get());
        } else if (q.outsideFlowsOnly()) {
            sql.add(" and f.flow_run_id is null");
        }
        page(sql, q.sort(), cursor, q.limit(), 't', conditions(q));
        return sql;
    }

    private static String indexedBy(@Nullable String index) {
        return index == null ? "" : " indexed by " + index;
    }

    private static final java.util.regex.Pattern PLAN_INDEX =
            java.util.regex.Pattern.compile("^(?:SCAN|SEARCH) f USING (?:COVERING )?INDEX (\\w+)");

    /**
     * SQLite: the index the first page of a query reads its runs by, which a later page of it then reads by
     * too. The cursor adds an upper bound on the sort key, and with it SQLite's planner may prefer another
     * index (for example the state index over the cursor's window, and a sort) to reading the sort index in
     * order: a later page would then cost more than the first. PostgreSQL plans a later page as its first
     * (a row comparison on the index's end). Null when the first page reads no index.
     */
    private @Nullable String firstPageIndex(Sql firstPage) throws SQLException {
        firstPage.text.insert(0, "explain query plan ");
        try (Connection c = db.connection(); PreparedStatement ps = firstPage.prepare(c, db.dialect());
                ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                java.util.regex.Matcher m = PLAN_INDEX.matcher(rs.getString(columns));
                if (m.find()) {
                    return m.group(1);
                }
            }
        }
        return null;
    }

    /** How the database runs the page query of {@code q} (a flow or task run query): its plan, for benchmarks and tests. */
    public String explain(Object q) throws SQLException {
        Sql sql = q instanceof FlowRunQuery f ? flowRunsSql(f) : taskRunsSql((TaskRunQuery) q);
        String prefix = db.dialect() == Dialect.POSTGRESQL ? "explain (analyze, buffers) " : "explain query plan ";
        sql.text.insert(0, prefix);
        StringBuilder out = new StringBuilder();
        try (Connection c = db.connection(); PreparedStatement ps = sql.prepare(c, db.dialect()); ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                out.append(rs.getString(columns)).append('\n');
            }
        }
        return out.toString();
    }

    /** One page of flow runs. */
    public Page<FlowRunSummary> flowRuns(FlowRunQuery q) throws SQLException {
        Sql sql = flowRunsSql(q);
        Instant now = clock.instant();
        List<FlowRunSummary> rows = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        String keyColumn = sortColumn(q.sort());
        try (Connection c = db.connection(); PreparedStatement ps = sql.prepare(c, db.dialect()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(flowRun(rs, now));
                keys.add(rs.getLong(keyColumn));
            }
        }
        return page(rows, keys, q.limit(), 'f', q.sort(), conditions(q), FlowRunSummary::id);
    }

    /** One page of task runs. */
    public Page<TaskRunSummary> taskRuns(TaskRunQuery q) throws SQLException {
        Sql sql = taskRunsSql(q);
        Instant now = clock.instant();
        List<TaskRunSummary> rows = new ArrayList<>();
        List<Long> keys = new ArrayList<>();
        String keyColumn = sortColumn(q.sort());
        try (Connection c = db.connection(); PreparedStatement ps = sql.prepare(c, db.dialect()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(taskRun(rs, now));
                keys.add(rs.getLong(keyColumn));
            }
        }
        return page(rows, keys, q.limit(), 't', q.sort(), conditions(q), TaskRunSummary::id);
    }

    private static <T> Page<T> page(List<T> rows, List<Long> keys, int limit, char kind, RunSort sort, String conditions,
            java.util.function.Function<T, String> id) {
        if (rows.size() <= limit) {
            return new Page<>(rows, null);
        }
        List<T> items = rows.subList(0, limit);
        T last = items.get(limit - 1);
        return new Page<>(items, Cursor.encode(kind, sort, conditions, keys.get(limit - 1), id.apply(last)));
    }

    private static Duration duration(ResultSet rs, @Nullable Instant start, @Nullable Instant end, Instant now)
            throws SQLException {
        if (start == null) {
            return Duration.ZERO;
        }
        if (end == null) {
            return now.isAfter(start) ? Duration.between(start, now) : Duration.ZERO;
        }
        long us = rs.getLong("duration_us");
        return Duration.ofSeconds(us / 1_000_000, (us % 1_000_000) * 1_000);
    }

    private static State state(String s) {
        try {
            return State.valueOf(s);
        } catch (IllegalArgumentException e) {
            return State.CRASHED; // a state a newer version wrote: not one this version can name
        }
    }

    private static FlowRunSummary flowRun(ResultSet rs, Instant now) throws SQLException {
        Instant start = Times.instantOrNull(rs, "start_time");
        Instant end = Times.instantOrNull(rs, "end_time");
        return new FlowRunSummary(rs.getString("id"), rs.getString("name"), rs.getString("flow_name"),
                rs.getString("version"), state(rs.getString("state")), rs.getString("parent_flow_run_id"),
                Json.readTags(rs.getString("tags")), rs.getInt("attempts"), Times.instant(rs.getLong("created_at")), start,
                end, duration(rs, start, end, now), Times.instant(rs.getLong("updated_at")));
    }

    private static TaskRunSummary taskRun(ResultSet rs, Instant now) throws SQLException {
        Instant start = Times.instantOrNull(rs, "start_time");
        Instant end = Times.instantOrNull(rs, "end_time");
        return new TaskRunSummary(rs.getString("id"), rs.getString("name"), rs.getString("task_name"),
                rs.getString("version"), state(rs.getString("state")), rs.getString("flow_run_id"),
                rs.getString("parent_task_run_id"), Json.readTags(rs.getString("tags")), rs.getInt("attempts"),
                rs.getString("cache_key"), rs.getString("cached_from_run_id"), Times.instant(rs.getLong("created_at")),
                start, end, duration(rs, start, end, now), Times.instant(rs.getLong("updated_at")));
    }

    /** Everything kept about flow run {@code id}. */
    public Optional<FlowRunDetail> flowRun(String id) throws SQLException {
        Instant now = clock.instant();
        FlowRunSummary summary;
        String history;
        String parameters;
        dev.sluice.ErrorInfo error;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select " + FLOW_COLUMNS
                + ", f.history, f.parameters, f.error_type, f.error_message, f.error_stack from flow_run f where f.id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                summary = flowRun(rs, now);
                history = rs.getString("history");
                parameters = rs.getString("parameters");
                error = Json.error(rs.getString("error_type"), rs.getString("error_message"), rs.getString("error_stack"));
            }
        }
        return Optional.of(new FlowRunDetail(summary, Json.readHistory(history), Json.readParameters(parameters), error,
                taskRuns(TaskRunQuery.all().inFlowRun(id).sortedBy(RunSort.START_TIME_ASC).limit(DETAIL_PAGE)),
                flowRuns(FlowRunQuery.all().withParent(id).sortedBy(RunSort.START_TIME_ASC).limit(DETAIL_PAGE)),
                logs(LogQuery.of(id).limit(DETAIL_PAGE))));
    }

    /** Everything kept about task run {@code id}. */
    public Optional<TaskRunDetail> taskRun(String id) throws SQLException {
        Instant now = clock.instant();
        TaskRunSummary summary;
        String history;
        String parameters;
        dev.sluice.ErrorInfo error;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select " + TASK_COLUMNS
                + ", f.history, f.parameters, f.error_type, f.error_message, f.error_stack from task_run f where f.id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                summary = taskRun(rs, now);
                history = rs.getString("history");
                parameters = rs.getString("parameters");
                error = Json.error(rs.getString("error_type"), rs.getString("error_message"), rs.getString("error_stack"));
            }
        }
        return Optional.of(new TaskRunDetail(summary, Json.readHistory(history), Json.readParameters(parameters), error,
                logs(LogQuery.of(id).limit(DETAIL_PAGE))));
    }

    /** Log lines of a run, oldest first, after a line number. */
    public Page<LogEntry> logs(LogQuery q) throws SQLException {
        boolean flow;
        try (Connection c = db.connection();
                PreparedStatement ps = c.prepareStatement("select 1 from flow_run where id = ?")) {
            ps.setString(1, q.runId());
            try (ResultSet rs = ps.executeQuery()) {
                flow = rs.next();
            }
        }
        String column = flow ? "flow_run_id" : "task_run_id";
        List<LogEntry> lines = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select id, flow_run_id, task_run_id,"
                + " time, level, logger, message, error from log_line where " + column + " = ? and id > ? order by id limit ?")) {
            ps.setString(1, q.runId());
            ps.setLong(2, q.afterLine());
            ps.setInt(3, q.limit() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new LogEntry(rs.getLong(1), Times.instant(rs.getLong(4)), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(2), rs.getString(3), rs.getString(8)));
                }
            }
        }
        if (lines.size() <= q.limit()) {
            return new Page<>(lines, null);
        }
        List<LogEntry> items = lines.subList(0, q.limit());
        return new Page<>(items, Long.toString(items.get(items.size() - 1).line()));
    }

    /** Flow runs per state per time bucket, for those matching {@code q}'s conditions that started in [from, to). */
    public List<StateCount> stateCounts(FlowRunQuery q, Instant from, Instant to, Duration bucket) throws SQLException {
        long origin = Times.micros(from);
        long width = Times.micros(bucket);
        // buckets are counted from a bucket start near enough to the stored times that no subtraction overflows 64 bits
        // (from may be as early as Instant.MIN: PostgreSQL refused the query, SQLite went over to floating point);
        // the bucket number is floored, so a run before that start falls into the bucket before it
        long base = bucketBase(origin, width);
        Sql sql = new Sql().add("select case when f.sort_time >= ? then (f.sort_time - ?) / ? else -((? - f.sort_time - 1) / ?)"
                + " - 1 end as bucket, f.state, count(*) from flow_run f where f.sort_time >= ? and f.sort_time < ?", base,
                base, width, base, width, origin, Times.micros(to));
        where(sql, filter(q));
        if (q.parentFlowRunId().isPresent()) {
            sql.add(" and f.parent_flow_run_id = ?", q.parentFlowRunId().get());
        } else if (q.topLevelOnly()) {
            sql.add(" and f.parent_flow_run_id is null");
        }
        sql.add(" group by bucket, f.state order by bucket, f.state");
        List<StateCount> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = sql.prepare(c, db.dialect()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long start = java.math.BigInteger.valueOf(rs.getLong(1)).multiply(java.math.BigInteger.valueOf(width))
                        .add(java.math.BigInteger.valueOf(base)).longValueExact();
                out.add(new StateCount(Times.instant(start), state(rs.getString(2)), rs.getLong(3)));
            }
        }
        return List.copyOf(out);
    }

    /** The bucket start counted from: {@code origin}, or for one earlier than 2^62 µs before 1970 the first bucket start after that. */
    static long bucketBase(long origin, long width) {
        long low = Long.MIN_VALUE / 2;
        if (origin >= low) {
            return origin;
        }
        java.math.BigInteger gap = java.math.BigInteger.valueOf(low).subtract(java.math.BigInteger.valueOf(origin));
        java.math.BigInteger w = java.math.BigInteger.valueOf(width);
        java.math.BigInteger k = gap.add(w).subtract(java.math.BigInteger.ONE).divide(w);
        return java.math.BigInteger.valueOf(origin).add(k.multiply(w)).longValueExact();
    }

    /** The latest successful run of {@code flowName} that ended at or after {@code since}. */
    public Optional<FlowRunSummary> lastCompleted(String flowName, Instant since) throws SQLException {
        Instant now = clock.instant();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("select " + FLOW_COLUMNS
                + " from flow_run f where f.flow_name = ? and f.state in ('COMPLETED', 'CACHED') and f.end_time >= ?"
                + " order by f.end_time desc limit 1")) {
            ps.setString(1, flowName);
            ps.setLong(2, Times.micros(since));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(flowRun(rs, now)) : Optional.empty();
            }
        }
    }
}
