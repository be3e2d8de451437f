package dev.sluice.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A deployment as registered in the database: everything another process (the dashboard, the CLI)
 * needs to show it, build a form from its parameter schema, and trigger it, without the flow's classes.
 *
 * @param name the deployment's name
 * @param flowName the name of the flow it runs
 * @param version its version, if any
 * @param description its description, if any
 * @param tags its tags
 * @param parameters its default parameter values
 * @param parameterSchema its parameter schema
 * @param schedules its schedules
 * @param paused whether its schedules are paused
 * @param concurrencyLimit the most runs at once, 0 for no limit
 * @param catchUp its catch-up policy
 * @param catchUpWindow how old a missed slot may be and still run, if limited
 * @param overlap its overlap policy
 * @param lastSlot the latest slot created
 * @param updatedAt when it was last registered or changed
 */
public record DeploymentInfo(String name, String flowName, @Nullable String version, @Nullable String description,
        Set<String> tags, Map<String, Object> parameters, ParameterSchema parameterSchema, List<Schedule> schedules,
        boolean paused, int concurrencyLimit, CatchUp catchUp, @Nullable Duration catchUpWindow, Overlap overlap,
        @Nullable Instant lastSlot, Instant updatedAt) {
    /** Checks the fields and copies the collections. */
    public DeploymentInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flowName, "flowName");
        tags = Set.copyOf(tags);
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        Objects.requireNonNull(parameterSchema, "parameterSchema");
        schedules = List.copyOf(schedules);
        Objects.requireNonNull(catchUp, "catchUp");
        Objects.requireNonNull(overlap, "overlap");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * The next {@code n} slot times of its schedules strictly after {@code from}, merged, as
     * {@link Deployment#nextSlots} gives them.
     *
     * @throws IllegalArgumentException if {@code n} is negative or more than 100,000
     */
    public List<Instant> nextSlots(int n, Instant from) {
        Objects.requireNonNull(from, "from");
        if (n < 0 || n > 100_000) {
            throw new IllegalArgumentException("n must be between 0 and 100000, was " + n);
        }
        java.util.TreeSet<Instant> merged = new java.util.TreeSet<>();
        for (Schedule s : schedules) {
            merged.addAll(s.next(n, from));
        }
        return merged.stream().limit(n).toList();
    }

    /** The version, if any. */
    public Optional<String> versionIfAny() {
        return Optional.ofNullable(version);
    }
}
