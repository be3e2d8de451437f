package dev.sluice.history;

import dev.sluice.State;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which task runs to list, with the same conditions as {@link FlowRunQuery}: every condition given
 * must hold (and within one condition, "any of"). Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Page<TaskRunSummary> tasks = history.taskRuns(TaskRunQuery.all().inFlowRun(flowRunId).sortedBy(RunSort.START_TIME_ASC));
 * }</pre>
 *
 * <p>Every condition is served by an index, except that the run name ({@link #name}, {@link #nameLike})
 * and the duration orders are indexed only together with {@link #taskName} or {@link #inFlowRun}: on their
 * own they read every task run (task runs far outnumber flow runs, and those two indexes cost the writer
 * most of its time).
 */
public final class TaskRunQuery {
    private final Set<String> taskNames;
    private final @Nullable String name;
    private final @Nullable String nameLike;
    private final Set<String> allTags;
    private final Set<String> anyTags;
    private final Set<State> states;
    private final @Nullable Instant startedAfter;
    private final @Nullable Instant startedBefore;
    private final @Nullable String flowRunId;
    private final boolean outsideFlowsOnly;
    private final RunSort sort;
    private final int limit;
    private final @Nullable String cursor;

    private TaskRunQuery(Set<String> taskNames, @Nullable String name, @Nullable String nameLike, Set<String> allTags,
            Set<String> anyTags, Set<State> states, @Nullable Instant startedAfter, @Nullable Instant startedBefore,
            @Nullable String flowRunId, boolean outsideFlowsOnly, RunSort sort, int limit, @Nullable String cursor) {
        this.taskNames = taskNames;
        this.name = name;
        this.nameLike = nameLike;
        this.allTags = allTags;
        this.anyTags = anyTags;
        this.states = states;
        this.startedAfter = startedAfter;
        this.startedBefore = startedBefore;
        this.flowRunId = flowRunId;
        this.outsideFlowsOnly = outsideFlowsOnly;
        this.sort = sort;
        this.limit = limit;
        this.cursor = cursor;
    }

    /** Every task run, latest start first, {@value FlowRunQuery#DEFAULT_LIMIT} a page. */
    public static TaskRunQuery all() {
        return new TaskRunQuery(Set.of(), null, null, Set.of(), Set.of(), Set.of(), null, null, null, false,
                RunSort.START_TIME_DESC, FlowRunQuery.DEFAULT_LIMIT, null);
    }

    /** Runs of any of these tasks. */
    public TaskRunQuery taskName(String... taskNames) {
        return new TaskRunQuery(FlowRunQuery.strings("taskName", taskNames), name, nameLike, allTags, anyTags, states,
                startedAfter, startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs named exactly {@code runName}. */
    public TaskRunQuery name(String runName) {
        return new TaskRunQuery(taskNames, Objects.requireNonNull(runName, "name"), nameLike, allTags, anyTags, states,
                startedAfter, startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs whose name matches the SQL {@code LIKE} pattern; see {@link FlowRunQuery#nameLike(String)}. */
    public TaskRunQuery nameLike(String pattern) {
        return new TaskRunQuery(taskNames, name, FlowRunQuery.likePattern(pattern), allTags, anyTags, states,
                startedAfter, startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs that have every one of these tags. */
    public TaskRunQuery withAllTags(String... tags) {
        return new TaskRunQuery(taskNames, name, nameLike, FlowRunQuery.strings("withAllTags", tags), anyTags, states,
                startedAfter, startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs that have at least one of these tags. */
    public TaskRunQuery withAnyTags(String... tags) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, FlowRunQuery.strings("withAnyTags", tags), states,
                startedAfter, startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs whose last recorded state is one of these. */
    public TaskRunQuery inStates(State... states) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, FlowRunQuery.states(states), startedAfter,
                startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs that started at or after {@code time}. */
    public TaskRunQuery startedAfter(Instant time) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states,
                Objects.requireNonNull(time, "startedAfter"), startedBefore, flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /** Runs that started before {@code time}. */
    public TaskRunQuery startedBefore(Instant time) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter,
                Objects.requireNonNull(time, "startedBefore"), flowRunId, outsideFlowsOnly, sort, limit, null);
    }

    /**
     * The task runs of flow run {@code flowRunId} (not those of its subflow runs).
     *
     * @throws IllegalStateException after {@link #outsideFlows()}: a task run in a flow run is never outside flows
     */
    public TaskRunQuery inFlowRun(String flowRunId) {
        Objects.requireNonNull(flowRunId, "flowRunId");
        if (outsideFlowsOnly) {
            throw new IllegalStateException("this query asks for task runs outside any flow (outsideFlows()); the task"
                    + " runs of flow run '" + flowRunId + "' are never outside flows: ask for one or the other");
        }
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                flowRunId, false, sort, limit, null);
    }

    /**
     * Only task runs that ran outside any flow.
     *
     * @throws IllegalStateException after {@link #inFlowRun(String)}: a task run in a flow run is never outside flows
     */
    public TaskRunQuery outsideFlows() {
        if (flowRunId != null) {
            throw new IllegalStateException("this query asks for the task runs of flow run '" + flowRunId
                    + "' (inFlowRun), which are never outside flows: ask for one or the other");
        }
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                null, true, sort, limit, null);
    }

    /** The order (default {@link RunSort#START_TIME_DESC}). */
    public TaskRunQuery sortedBy(RunSort sort) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                flowRunId, outsideFlowsOnly, Objects.requireNonNull(sort, "sort"), limit, null);
    }

    /** At most {@code limit} runs a page (1 to {@value FlowRunQuery#MAX_LIMIT}). */
    public TaskRunQuery limit(int limit) {
        if (limit < 1 || limit > FlowRunQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + FlowRunQuery.MAX_LIMIT + ", was " + limit);
        }
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                flowRunId, outsideFlowsOnly, sort, limit, cursor);
    }

    /**
     * The page after the one that returned {@code cursor} ({@link Page#nextCursor()}): call it on the query that
     * returned it (its page size and time bounds may change from page to page; its names, tags, states and
     * parent may not: a cursor of another query is refused when the page is read). Give it last: changing a
     * condition or the order afterwards drops the cursor.
     */
    public TaskRunQuery after(String cursor) {
        return new TaskRunQuery(taskNames, name, nameLike, allTags, anyTags, states, startedAfter, startedBefore,
                flowRunId, outsideFlowsOnly, sort, limit, Objects.requireNonNull(cursor, "cursor"));
    }

    /** The task names asked for (empty: any). */
    public Set<String> taskNames() {
        return taskNames;
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

    /** The flow run asked for. */
    public Optional<String> flowRunId() {
        return Optional.ofNullable(flowRunId);
    }

    /** Whether only task runs outside any flow are asked for. */
    public boolean outsideFlowsOnly() {
        return outsideFlowsOnly;
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
        return "TaskRunQuery[taskNames=" + taskNames + ", name=" + name + ", nameLike=" + nameLike + ", allTags=" + allTags
                + ", anyTags=" + anyTags + ", states=" + states + ", startedAfter=" + startedAfter + ", startedBefore="
                + startedBefore + ", flowRun=" + flowRunId + ", outsideFlowsOnly=" + outsideFlowsOnly + ", sort=" + sort
                + ", limit=" + limit + (cursor != null ? ", after cursor" : "") + "]";
    }
}
