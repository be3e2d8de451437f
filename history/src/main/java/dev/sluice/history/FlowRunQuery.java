package dev.sluice.history;

import dev.sluice.State;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which flow runs to list, in the shape of Prefect's flow-run filters: every condition given must hold
 * (and within one condition, "any of"). Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * history.flowRuns(FlowRunQuery.all()
 *         .nameLike("vtasks.%")
 *         .withAllTags("env:prod")
 *         .inStates(State.FAILED, State.CRASHED)
 *         .startedAfter(Instant.now().minus(Duration.ofDays(1)))
 *         .sortedBy(RunSort.START_TIME_DESC)
 *         .limit(50));
 * }</pre>
 *
 * <p>Every condition is served by an index. "Start time" is when the run started running, or when it
 * was created for a run that has not started yet.
 */
public final class FlowRunQuery {
    /** The page size when {@link #limit(int)} is not called. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page. */
    public static final int MAX_LIMIT = 1_000;

    private final Set<String> flowNames;
    private final @Nullable String name;
    private final @Nullable String nameLike;
    private final Set<String> allTags;
    private final Set<String> anyTags;
    private final Set<State> states;
    private final @Nullable Instant startedAfter;
    private final @Nullable Instant startedBefore;
    private final @Nullable String parentFlowRunId;
    private final boolean topLevelOnly;
    private final RunSort sort;
    private final int limit;
    private final @Nullable String cursor;

    private FlowRunQuery(Set<String> flowNames, @Nullable String name, @Nullable String nameLike, Set<String> allTags,
            Set<String> anyTags, Set<State> states, @Nullable Instant startedAfter, @Nullable Instant startedBefore,
            @Nullable String parentFlowRunId, boolean topLevelOnly, RunSort sort, int limit, @Nullable String cursor) {
        this.flowNames = flowNames;
        this.name = name;
        this.nameLike = nameLike;
        this.allTags = allTags;
        this.anyTags = anyTags;
        this.states = states;
        this.startedAfter = startedAfter;
        this.startedBefore = startedBefore;
        this.parentFlowRunId = parentFlowRunId;
        this.topLevelOnly = topLevelOnly;
        this.sort = sort;
        this.limit = limit;
        this.cursor = cursor;
    }

    /** Every flow run, latest start first, {@value #DEFAULT_LIMIT} a page. */
    public static FlowRunQuery all() {
        return new FlowRunQuery(Set.of(), null, null, Set.of(), Set.of(), Set.of(), null, null, null, false,
                RunSort.START_TIME_DESC, DEFAULT_LIMIT, null);
    }

    static Set<String> strings(String field, String... values) {
        Objects.requireNonNull(values, field);
        if (values.length == 0) {
            throw new IllegalArgumentException(field + " needs at least one value");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(field + " must not hold a null or blank value, was " + List.of(values));
            }
            out.add(v);
        }
        return Set.copyOf(out);
    }

    /** {@code pattern}, checked: a trailing escape that escapes nothing is refused (PostgreSQL would fail the query). */
    static String likePattern(String pattern) {
        Objects.requireNonNull(pattern, "nameLike");
        int escapes = 0;
        for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
            escapes++;
        }
        if (escapes % 2 == 1) {
            throw new IllegalArgumentException("nameLike pattern must not end with an escape character ('\\' escapes the"
                    + " character after it; write '\\\\' for a backslash), was '" + pattern + "'");
        }
        return pattern;
    }

    static Set<State> states(State... states) {
        Objects.requireNonNull(states, "states");
        if (states.length == 0) {
            throw new IllegalArgumentException("states needs at least one value");
        }
        EnumSet<State> set = EnumSet.noneOf(State.class);
        for (State s : states) {
            set.add(Objects.requireNonNull(s, "states must not hold null"));
        }
        return Set.copyOf(set);
    }

    /** Runs of any of these flows. */
    public FlowRunQuery flowName(String... flowNames) {
        return new FlowRunQuery(strings("flowName", flowNames), name, nameLike, allTags, anyTags, states, startedAfter,
                startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs named exactly {@code runName}. */
    public FlowRunQuery name(String runName) {
        return new FlowRunQuery(flowNames, Objects.requireNonNull(runName, "name"), nameLike, allTags, anyTags, states,
                startedAfter, startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /**
     * Runs whose name matches the SQL {@code LIKE} pattern (case-sensitive; {@code %} any text, {@code _}
     * one character, {@code \} escapes them), the same on SQLite as on PostgreSQL. A pattern with a fixed
     * beginning ({@code "report-%"}) uses the name index.
     *
     * @throws IllegalArgumentException if the pattern ends with a {@code \} that escapes nothing
     */
    public FlowRunQuery nameLike(String pattern) {
        return new FlowRunQuery(flowNames, name, likePattern(pattern), allTags, anyTags, states,
                startedAfter, startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs that have every one of these tags. */
    public FlowRunQuery withAllTags(String... tags) {
        return new FlowRunQuery(flowNames, name, nameLike, strings("withAllTags", tags), anyTags, states, startedAfter,
                startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs that have at least one of these tags. */
    public FlowRunQuery withAnyTags(String... tags) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, strings("withAnyTags", tags), states, startedAfter,
                startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs whose last recorded state is one of these. */
    public FlowRunQuery inStates(State... states) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states(states), startedAfter,
                startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs that started at or after {@code time}. */
    public FlowRunQuery startedAfter(Instant time) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states,
                Objects.requireNonNull(time, "startedAfter"), startedBefore, parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /** Runs that started before {@code time}. */
    public FlowRunQuery startedBefore(Instant time) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter,
                Objects.requireNonNull(time, "startedBefore"), parentFlowRunId, topLevelOnly, sort, limit, null);
    }

    /**
     * The subflow runs of flow run {@code flowRunId}.
     *
     * @throws IllegalStateException after {@link #topLevel()}: subflow runs are never top-level
     */
    public FlowRunQuery withParent(String flowRunId) {
        if (topLevelOnly) {
            throw new IllegalStateException("this query asks for top-level runs (topLevel()); the subflow runs of a run"
                    + " are never top-level: ask for one or the other");
        }
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                Objects.requireNonNull(flowRunId, "parentFlowRunId"), false, sort, limit, null);
    }

    /**
     * Only runs that are not subflow runs.
     *
     * @throws IllegalStateException after {@link #withParent(String)}: subflow runs are never top-level
     */
    public FlowRunQuery topLevel() {
        if (parentFlowRunId != null) {
            throw new IllegalStateException("this query asks for the subflow runs of run '" + parentFlowRunId
                    + "' (withParent), which are never top-level: ask for one or the other");
        }
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                null, true, sort, limit, null);
    }

    /** The order (default {@link RunSort#START_TIME_DESC}). */
    public FlowRunQuery sortedBy(RunSort sort) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                parentFlowRunId, topLevelOnly, Objects.requireNonNull(sort, "sort"), limit, null);
    }

    /** At most {@code limit} runs a page (1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}). */
    public FlowRunQuery limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                parentFlowRunId, topLevelOnly, sort, limit, cursor);
    }

    /**
     * The page after the one that returned {@code cursor} ({@link Page#nextCursor()}): call it on the query that
     * returned it (its page size and time bounds may change from page to page; its names, tags, states and
     * parent may not: a cursor of another query is refused when the page is read). Give it last: changing a
     * condition or the order afterwards drops the cursor.
     */
    public FlowRunQuery after(String cursor) {
        return new FlowRunQuery(flowNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                parentFlowRunId, topLevelOnly, sort, limit, Objects.requireNonNull(cursor, "cursor"));
    }

    /** The flow names asked for (empty: any). */
    public Set<String> flowNames() {
        return flowNames;
    }

    /** The exact run name asked for. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The run name pattern asked for. */
    public Optional<String> nameLike() {
        return Optional.ofNullable(nameLike);
    }

    /** Tags a run must all have. */
    public Set<String> allTags() {
        return allTags;
    }

    /** Tags of which a run must have one (empty: no condition). */
    public Set<String> anyTags() {
        return anyTags;
    }

    /** The states asked for (empty: any). */
    public Set<State> states() {
        return states;
    }

    /** The earliest start time asked for. */
    public Optional<Instant> startedAfter() {
        return Optional.ofNullable(startedAfter);
    }

    /** The start time runs must be before. */
    public Optional<Instant> startedBefore() {
        return Optional.ofNullable(startedBefore);
    }

    /** The parent flow run asked for. */
    public Optional<String> parentFlowRunId() {
        return Optional.ofNullable(parentFlowRunId);
    }

    /** Whether only runs that are not subflow runs are asked for. */
    public boolean topLevelOnly() {
        return topLevelOnly;
    }

    /** The order. */
    public RunSort sort() {
        return sort;
    }

    /** The page size. */
    public int limit() {
        return limit;
    }

    /** The cursor of the page to continue after. */
    public Optional<String> cursor() {
        return Optional.ofNullable(cursor);
    }

    @Override
    public String toString() {
        return "FlowRunQuery[flowNames=" + flowNames + ", name=" + name + ", nameLike=" + nameLike + ", allTags=" + allTags
                + ", anyTags=" + anyTags + ", states=" + states + ", startedAfter=" + startedAfter + ", startedBefore="
                + startedBefore + ", parent=" + parentFlowRunId + ", topLevelOnly=" + topLevelOnly + ", sort=" + sort
                + ", limit=" + limit + (cursor != null ? ", after cursor" : "") + "]";
    }
}
