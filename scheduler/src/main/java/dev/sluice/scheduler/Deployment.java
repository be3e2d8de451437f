package dev.sluice.scheduler;

import dev.sluice.BaseFlow;
import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Flow2;
import dev.sluice.Flow3;
import dev.sluice.FlowRun;
import dev.sluice.scheduler.internal.FlowCall;
import dev.sluice.scheduler.internal.RecordSchemas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A flow made runnable by name from outside its {@code main}: by its schedules, by a manual trigger
 * with parameters (checked against its {@link ParameterSchema}), from another process. Immutable;
 * every {@code withX} returns a checked copy, with a message naming the field.
 *
 * <pre>{@code
 * record Report(String city, @Default("7") @Range(min = 1, max = 90) int days) {}
 * Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> build(r));
 *
 * Deployment daily = Deployment.of(report, Report.class)          // name "daily-report", schema from Report
 *         .withVersion("2026.01")
 *         .withDescription("The sales report, every morning")
 *         .withTags("team:sales")
 *         .withParameters(Map.of("city", "Boston"))                // defaults, checked against the schema
 *         .withSchedules(Schedule.cron("0 6 * * MON-FRI", ZoneId.of("America/New_York")),
 *                        Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", ZoneId.of("America/New_York")))
 *         .withConcurrencyLimit(1)
 *         .withCatchUp(CatchUp.ALL, Duration.ofHours(12))
 *         .withOverlap(Overlap.QUEUE_ONE);
 *
 * daily.nextSlots(5, Instant.now());                   // both schedules, merged
 * FlowRun<?> run = daily.runForState(Map.of("days", "30")); // {city=Boston, days=30} → Report → the flow
 * }</pre>
 *
 * <p>Defaults: the flow's name and version; no description, tags, defaults or schedules (manual
 * runs only); not paused; no concurrency limit; {@link CatchUp#LATEST} without a window;
 * {@link Overlap#ALLOW}.
 */
public final class Deployment {
    private static final int MAX_NAME = 200;

    private final BaseFlow<?> flow;
    private final FlowCall call;
    private final ParameterSchema derivedSchema;
    private final String name;
    private final @Nullable String version;
    private final @Nullable String description;
    private final Set<String> tags;
    private final Map<String, Object> parameters;
    private final ParameterSchema schema;
    private final List<Schedule> schedules;
    private final boolean paused;
    private final int concurrencyLimit;
    private final CatchUp catchUp;
    private final @Nullable Duration catchUpWindow;
    private final Overlap overlap;

    private Deployment(BaseFlow<?> flow, FlowCall call, ParameterSchema derivedSchema, String name, @Nullable String version,
            @Nullable String description, Set<String> tags, Map<String, Object> parameters, ParameterSchema schema,
            List<Schedule> schedules, boolean paused, int concurrencyLimit, CatchUp catchUp, @Nullable Duration catchUpWindow,
            Overlap overlap) {
        this.flow = flow;
        this.call = call;
        this.derivedSchema = derivedSchema;
        this.name = name;
        this.version = version;
        this.description = description;
        this.tags = tags;
        this.parameters = parameters;
        this.schema = schema;
        this.schedules = schedules;
        this.paused = paused;
        this.concurrencyLimit = concurrencyLimit;
        this.catchUp = catchUp;
        this.catchUpWindow = catchUpWindow;
        this.overlap = overlap;
    }

    private static Deployment create(BaseFlow<?> flow, FlowCall call, ParameterSchema schema) {
        String name = checkName(flow.name());
        return new Deployment(flow, call, schema, name, flow.version().orElse(null), null, Set.of(), Map.of(), schema,
                List.of(), false, 0, CatchUp.LATEST, null, Overlap.ALLOW);
    }

    /** A deployment of a flow of no arguments; its schema is empty. */
    public static Deployment of(Flow0<?> flow) {
        Objects.requireNonNull(flow, "flow");
        return create(flow, FlowCall.ofArguments(flow, List.of(), List.of()), ParameterSchema.empty());
    }

    /**
     * A deployment of a flow of one argument of type {@code parameterType}: a record is built from
     * all parameters (one per component, see {@link ParameterSchema#from}); any other supported type
     * ({@code String}, numbers, {@code boolean}, {@code LocalDate}, {@code LocalDateTime},
     * {@code Instant}, an enum) is one parameter named as the flow names it
     * ({@code withParameterNames}, else {@code arg0}).
     *
     * @throws IllegalArgumentException if the type cannot be described by a schema (the message says which component)
     */
    public static <P> Deployment of(Flow<P, ?> flow, Class<P> parameterType) {
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(parameterType, "parameterType");
        if (parameterType.isRecord()) {
            return create(flow, FlowCall.ofRecord(flow, parameterType), ParameterSchema.from(parameterType));
        }
        return arguments(flow, parameterType);
    }

    /**
     * A deployment of a flow of two arguments, each one parameter named as the flow names it
     * ({@code withParameterNames}, else {@code arg0}, {@code arg1}).
     *
     * @throws IllegalArgumentException if an argument type cannot be a parameter (see {@link #of(Flow, Class)})
     */
    public static <A, B> Deployment of(Flow2<A, B, ?> flow, Class<A> first, Class<B> second) {
        Objects.requireNonNull(flow, "flow");
        return arguments(flow, first, second);
    }

    /**
     * A deployment of a flow of three arguments, each one parameter named as the flow names it.
     *
     * @throws IllegalArgumentException if an argument type cannot be a parameter (see {@link #of(Flow, Class)})
     */
    public static <A, B, C> Deployment of(Flow3<A, B, C, ?> flow, Class<A> first, Class<B> second, Class<C> third) {
        Objects.requireNonNull(flow, "flow");
        return arguments(flow, first, second, third);
    }

    private static Deployment arguments(BaseFlow<?> flow, Class<?>... types) {
        List<String> names = flow.parameterNames();
        List<Parameter> params = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Class<?> type = Objects.requireNonNull(types[i], "parameter type " + i);
            try {
                params.add(RecordSchemas.forType(names.get(i), type, type));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flow + ": " + e.getMessage()
                        + (type.isRecord() ? " (a record is one parameter per component only as the single argument)" : ""), e);
            }
        }
        return create(flow, FlowCall.ofArguments(flow, names, List.of(types)), ParameterSchema.of(params));
    }

    private Deployment copy(String name, @Nullable String version, @Nullable String description, Set<String> tags,
            Map<String, Object> parameters, ParameterSchema schema, List<Schedule> schedules, boolean paused,
            int concurrencyLimit, CatchUp catchUp, @Nullable Duration catchUpWindow, Overlap overlap) {
        return new Deployment(flow, call, derivedSchema, name, version, description, tags, parameters, schema, schedules,
                paused, concurrencyLimit, catchUp, catchUpWindow, overlap);
    }

    private static String checkName(@Nullable String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be null or blank, was " + (name == null ? "null" : "'" + name + "'"));
        }
        if (!name.equals(name.strip()) || name.chars().anyMatch(Character::isISOControl) || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("name must be at most " + MAX_NAME
                    + " characters, without control characters or surrounding spaces, was '" + name + "'");
        }
        return name;
    }

    /**
     * A copy named {@code name} (the name triggers and the CLI use; by default the flow's).
     *
     * @throws IllegalArgumentException if blank, over 200 characters, or with control characters or surrounding spaces
     */
    public Deployment withName(String name) {
        return copy(checkName(name), version, description, tags, parameters, schema, schedules, paused, concurrencyLimit,
                catchUp, catchUpWindow, overlap);
    }

    /**
     * A copy with this version (by default the flow's).
     *
     * @throws IllegalArgumentException if blank
     */
    public Deployment withVersion(String version) {
        Objects.requireNonNull(version, "version");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        return copy(name, version, description, tags, parameters, schema, schedules, paused, concurrencyLimit, catchUp,
                catchUpWindow, overlap);
    }

    /** A copy with this description (blank for none). */
    public Deployment withDescription(String description) {
        Objects.requireNonNull(description, "description");
        return copy(name, version, description.isBlank() ? null : description, tags, parameters, schema, schedules, paused,
                concurrencyLimit, catchUp, catchUpWindow, overlap);
    }

    /**
     * A copy with these tags instead of its own; its runs carry them as well as the flow's.
     *
     * @throws IllegalArgumentException if a tag is blank
     */
    public Deployment withTags(String... tags) {
        Objects.requireNonNull(tags, "tags");
        Set<String> set = new LinkedHashSet<>();
        for (String t : tags) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("tags must not be null or blank, got " + Arrays.toString(tags));
            }
            set.add(t);
        }
        return copy(name, version, description, Collections.unmodifiableSet(set), parameters, schema, schedules, paused,
                concurrencyLimit, catchUp, catchUpWindow, overlap);
    }

    /**
     * A copy whose runs take these parameter values unless a trigger gives others (replacing the
     * defaults set before). Checked against the schema and kept canonical.
     *
     * @throws IllegalArgumentException naming {@code parameters} and every wrong field
     */
    public Deployment withParameters(Map<String, ?> defaults) {
        Objects.requireNonNull(defaults, "parameters");
        return copy(name, version, description, tags, checkDefaults(defaults, schema), schema, schedules, paused,
                concurrencyLimit, catchUp, catchUpWindow, overlap);
    }

    private static Map<String, Object> checkDefaults(Map<String, ?> defaults, ParameterSchema schema) {
        for (Map.Entry<String, ?> e : defaults.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException("parameters: '" + e.getKey() + "' must not be null; leave it out instead");
            }
        }
        ParameterValidation v = schema.validatePartial(defaults);
        if (!v.isValid()) {
            throw new IllegalArgumentException("parameters: " + v.errors().stream().map(ParameterError::toString)
                    .collect(Collectors.joining("; ")));
        }
        return v.values();
    }

    /**
     * A copy with a declared schema instead of the one derived from the flow (to add descriptions,
     * bounds, defaults). It must have the flow's parameters, with the same types; the deployment's
     * default parameters are checked against it.
     *
     * @throws IllegalArgumentException naming {@code parameterSchema} and what does not fit
     */
    public Deployment withParameterSchema(ParameterSchema schema) {
        Objects.requireNonNull(schema, "parameterSchema");
        if (!new TreeSet<>(schema.names()).equals(new TreeSet<>(derivedSchema.names()))) {
            throw new IllegalArgumentException("parameterSchema must describe the parameters of " + flow + ", "
                    + derivedSchema.names() + ", got " + schema.names());
        }
        for (Parameter p : schema.parameters()) {
            Parameter derived = derivedSchema.parameter(p.name()).orElseThrow();
            if (derived.type() != p.type()) {
                throw new IllegalArgumentException("parameterSchema: parameter '" + p.name() + "' is " + p.type()
                        + ", but the flow's parameter is " + derived.type());
            }
        }
        Map<String, Object> checked;
        try {
            checked = checkDefaults(parameters, schema);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parameterSchema does not accept the deployment's " + e.getMessage(), e);
        }
        return copy(name, version, description, tags, checked, schema, schedules, paused, concurrencyLimit, catchUp,
                catchUpWindow, overlap);
    }

    /**
     * A copy with these schedules instead of its own (none: manual runs only). Slots of several
     * schedules are merged; a time two of them share is one slot.
     *
     * @throws IllegalArgumentException if one appears twice
     */
    public Deployment withSchedules(Schedule... schedules) {
        Objects.requireNonNull(schedules, "schedules");
        return withSchedules(Arrays.asList(schedules));
    }

    /**
     * A copy with these schedules instead of its own.
     *
     * @throws IllegalArgumentException if one appears twice
     */
    public Deployment withSchedules(List<Schedule> schedules) {
        Objects.requireNonNull(schedules, "schedules");
        Set<Schedule> seen = new LinkedHashSet<>();
        for (Schedule s : schedules) {
            Objects.requireNonNull(s, "schedules must not contain null");
            if (!seen.add(s)) {
                throw new IllegalArgumentException("schedules: '" + s + "' appears twice");
            }
        }
        return copy(name, version, description, tags, parameters, schema, List.copyOf(seen), paused, concurrencyLimit,
                catchUp, catchUpWindow, overlap);
    }

    /**
     * A copy with {@code schedule} added to its schedules.
     *
     * @throws IllegalArgumentException if it has it already
     */
    public Deployment withSchedule(Schedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        List<Schedule> all = new ArrayList<>(schedules);
        all.add(schedule);
        return withSchedules(all);
    }

    /** A copy whose schedules are paused ({@code true}) or running; manual runs work either way. */
    public Deployment withPaused(boolean paused) {
        return copy(name, version, description, tags, parameters, schema, schedules, paused, concurrencyLimit, catchUp,
                catchUpWindow, overlap);
    }

    /**
     * A copy that runs at most {@code limit} of its flow runs at once, across all workers. Runs that wait for
     * it start in the order they were due (caught-up slots oldest first).
     *
     * @throws IllegalArgumentException if {@code limit} is less than 1
     */
    public Deployment withConcurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("concurrencyLimit must be >= 1, was " + limit);
        }
        return copy(name, version, description, tags, parameters, schema, schedules, paused, limit, catchUp, catchUpWindow,
                overlap);
    }

    /** A copy without a concurrency limit. */
    public Deployment withoutConcurrencyLimit() {
        return copy(name, version, description, tags, parameters, schema, schedules, paused, 0, catchUp, catchUpWindow,
                overlap);
    }

    /**
     * A copy with this catch-up policy and no window ({@link CatchUp#LATEST} then runs the latest
     * missed slot however old).
     *
     * @throws IllegalArgumentException for {@link CatchUp#ALL}, which needs a window
     */
    public Deployment withCatchUp(CatchUp catchUp) {
        Objects.requireNonNull(catchUp, "catchUp");
        if (catchUp == CatchUp.ALL) {
            throw new IllegalArgumentException("catchUp ALL needs a window (how far back missed slots still run): "
                    + "withCatchUp(CatchUp.ALL, Duration.ofDays(1))");
        }
        return copy(name, version, description, tags, parameters, schema, schedules, paused, concurrencyLimit, catchUp, null,
                overlap);
    }

    /**
     * A copy with this catch-up policy, running only missed slots at most {@code window} old.
     *
     * @throws IllegalArgumentException if the window is not positive, or the policy is {@link CatchUp#NONE}
     */
    public Deployment withCatchUp(CatchUp catchUp, Duration window) {
        Objects.requireNonNull(catchUp, "catchUp");
        Objects.requireNonNull(window, "catchUpWindow");
        if (catchUp == CatchUp.NONE) {
            throw new IllegalArgumentException("catchUpWindow does not apply to catchUp NONE, which runs no missed slot");
        }
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("catchUpWindow must be positive, was " + window);
        }
        return copy(name, version, description, tags, parameters, schema, schedules, paused, concurrencyLimit, catchUp, window,
                overlap);
    }

    /** A copy with this overlap policy. */
    public Deployment withOverlap(Overlap overlap) {
        Objects.requireNonNull(overlap, "overlap");
        return copy(name, version, description, tags, parameters, schema, schedules, paused, concurrencyLimit, catchUp,
                catchUpWindow, overlap);
    }

    /** The flow it runs. */
    public BaseFlow<?> flow() {
        return flow;
    }

    /** The name triggers and the CLI use. */
    public String name() {
        return name;
    }

    /** The version, if any. */
    public Optional<String> version() {
        return Optional.ofNullable(version);
    }

    /** The description, if any. */
    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    /** The deployment's tags (its runs carry the flow's tags too). */
    public Set<String> tags() {
        return tags;
    }

    /** The default parameter values, canonical (see {@link ParameterValidation}). */
    public Map<String, Object> parameters() {
        return parameters;
    }

    /** The parameter schema. */
    public ParameterSchema parameterSchema() {
        return schema;
    }

    /** The schedules; empty for manual runs only. */
    public List<Schedule> schedules() {
        return schedules;
    }

    /** Whether its schedules are paused. */
    public boolean isPaused() {
        return paused;
    }

    /** The most flow runs it runs at once, if limited. */
    public OptionalInt concurrencyLimit() {
        return concurrencyLimit == 0 ? OptionalInt.empty() : OptionalInt.of(concurrencyLimit);
    }

    /** The catch-up policy. */
    public CatchUp catchUp() {
        return catchUp;
    }

    /** How old a missed slot may be and still run, if limited. */
    public Optional<Duration> catchUpWindow() {
        return Optional.ofNullable(catchUpWindow);
    }

    /** The overlap policy. */
    public Overlap overlap() {
        return overlap;
    }

    /**
     * Checks a trigger's parameters: the deployment's defaults, overridden by {@code input}, against
     * the schema (a null value in {@code input} counts as absent).
     */
    public ParameterValidation validate(Map<String, ? extends @Nullable Object> input) {
        Objects.requireNonNull(input, "input");
        Map<String, @Nullable Object> merged = new LinkedHashMap<>(parameters);
        input.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return schema.validate(merged);
    }

    /**
     * Runs the flow here and now with {@code input} (merged with the defaults, checked, converted),
     * under the calling code's runtime, and returns its record whatever the outcome. What a worker
     * does for a triggered or scheduled run.
     *
     * @throws InvalidParametersException listing every wrong field, before anything runs
     */
    public FlowRun<?> runForState(Map<String, ? extends @Nullable Object> input) {
        Map<String, Object> values = validate(input).requireValid("deployment '" + name + "'");
        return call.run(values);
    }

    /**
     * The next {@code n} slot times of all its schedules strictly after {@code from}, merged and
     * strictly increasing (a time two schedules share is one slot); empty without schedules.
     * Whether the deployment is paused does not matter.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than 100,000
     */
    public List<Instant> nextSlots(int n, Instant from) {
        Objects.requireNonNull(from, "from");
        if (n < 0 || n > 100_000) {
            throw new IllegalArgumentException("n must be between 0 and 100000, was " + n);
        }
        TreeSet<Instant> merged = new TreeSet<>();
        for (Schedule s : schedules) {
            merged.addAll(s.next(n, from));
        }
        return merged.stream().limit(n).toList();
    }

    @Override
    public String toString() {
        return "Deployment[name=" + name + ", flow=" + flow.name() + (version == null ? "" : ", version=" + version)
                + ", schedules=" + schedules + (paused ? ", paused" : "") + ", catchUp=" + catchUp
                + (catchUpWindow == null ? "" : " " + catchUpWindow) + ", overlap=" + overlap
                + (concurrencyLimit == 0 ? "" : ", concurrencyLimit=" + concurrencyLimit) + "]";
    }
}
