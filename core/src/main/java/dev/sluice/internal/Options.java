package dev.sluice.internal;

import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import dev.sluice.cache.CachePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The options of a task or flow: those both have, those only tasks have, those only flows have.
 * Immutable; changed through a {@link Builder} that each {@code withX} of a definition uses. Each
 * setter checks its own value; checks that involve two options (a run-name placeholder against the
 * parameter names) wait for the run, so the order of {@code withX} calls never matters.
 *
 * @param shared what tasks and flows both have
 * @param task   what only tasks have
 * @param flow   what only flows have
 */
public record Options(Shared shared, TaskOnly task, FlowOnly flow) {
    static final Options DEFAULTS = new Options(
            new Shared(null, RetryPolicy.none(), null, Set.of(), null, null, Map.of(), Map.of()),
            new TaskOnly(null), new FlowOnly(0));

    /**
     * Options of tasks and flows alike.
     *
     * @param version           the version, recorded on runs and part of cache keys
     * @param retryPolicy       how attempts are retried
     * @param timeout           per attempt
     * @param tags              tags of every run
     * @param runNameTemplate   such as {@code "load-{table}"}
     * @param parameterNames    the names of the arguments, null until named
     * @param parameterDefaults the value used for a parameter whose argument is null, by name
     * @param hooks             by event
     */
    public record Shared(@Nullable String version, RetryPolicy retryPolicy, @Nullable Duration timeout, Set<String> tags,
            @Nullable String runNameTemplate, @Nullable List<String> parameterNames,
            Map<String, @Nullable Object> parameterDefaults, Map<HookEvent, List<Hook<?>>> hooks) {
    }

    /**
     * Options only tasks have.
     *
     * @param cache the cache policy, null for none
     */
    public record TaskOnly(@Nullable CachePolicy cache) {
    }

    /**
     * Options only flows have.
     *
     * @param maxConcurrency submitted task runs at once, 0 for no bound
     */
    public record FlowOnly(int maxConcurrency) {
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes options one at a time; {@link #build()} makes the new value. */
    public static final class Builder {
        private @Nullable String version;
        private RetryPolicy retryPolicy;
        private @Nullable Duration timeout;
        private Set<String> tags;
        private @Nullable String runNameTemplate;
        private @Nullable List<String> parameterNames;
        private Map<String, @Nullable Object> parameterDefaults;
        private Map<HookEvent, List<Hook<?>>> hooks;
        private @Nullable CachePolicy cache;
        private int maxConcurrency;

        private Builder(Options o) {
            version = o.shared.version;
            retryPolicy = o.shared.retryPolicy;
            timeout = o.shared.timeout;
            tags = o.shared.tags;
            runNameTemplate = o.shared.runNameTemplate;
            parameterNames = o.shared.parameterNames;
            parameterDefaults = o.shared.parameterDefaults;
            hooks = o.shared.hooks;
            cache = o.task.cache;
            maxConcurrency = o.flow.maxConcurrency;
        }

        public Builder version(String v) {
            Objects.requireNonNull(v, "version");
            if (v.isBlank()) {
                throw new IllegalArgumentException("version must not be blank");
            }
            version = v;
            return this;
        }

        public Builder retryPolicy(RetryPolicy p) {
            retryPolicy = Objects.requireNonNull(p, "retryPolicy");
            return this;
        }

        public Builder timeout(Duration t) {
            Objects.requireNonNull(t, "timeout");
            if (t.isZero() || t.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, was " + t);
            }
            timeout = Durations.capped(t);
            return this;
        }

        public Builder addTags(String... more) {
            Objects.requireNonNull(more, "tags");
            Set<String> all = new LinkedHashSet<>(tags);
            for (String tag : more) {
                all.add(Spec.checkTag(tag));
            }
            tags = Collections.unmodifiableSet(all);
            return this;
        }

        public Builder runNameTemplate(String template) {
            Objects.requireNonNull(template, "runName");
            if (template.isBlank()) {
                throw new IllegalArgumentException("runName template must not be blank");
            }
            runNameTemplate = template;
            return this;
        }

        public Builder parameterNames(List<String> names) {
            parameterNames = List.copyOf(names);
            return this;
        }

        public Builder parameterDefault(String name, @Nullable Object value) {
            Map<String, @Nullable Object> copy = new LinkedHashMap<>(parameterDefaults);
            copy.put(name, value);
            parameterDefaults = Collections.unmodifiableMap(copy);
            return this;
        }

        public Builder addHook(HookEvent event, Hook<?> hook) {
            Objects.requireNonNull(hook, event.method() + " hook");
            Map<HookEvent, List<Hook<?>>> copy = new EnumMap<>(HookEvent.class);
            copy.putAll(hooks);
            List<Hook<?>> list = new ArrayList<>(hooks.getOrDefault(event, List.of()));
            list.add(hook);
            copy.put(event, List.copyOf(list));
            hooks = Collections.unmodifiableMap(copy);
            return this;
        }

        public Builder cache(CachePolicy c) {
            cache = Objects.requireNonNull(c, "cachePolicy");
            return this;
        }

        public Builder maxConcurrency(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + n);
            }
            maxConcurrency = n;
            return this;
        }

        public Options build() {
            return new Options(new Shared(version, retryPolicy, timeout, tags, runNameTemplate, parameterNames,
                    parameterDefaults, hooks), new TaskOnly(cache), new FlowOnly(maxConcurrency));
        }
    }
}
