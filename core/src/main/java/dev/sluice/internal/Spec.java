package dev.sluice.internal;

import dev.sluice.cache.CachePolicy;
import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The immutable definition behind a task or flow: its name, body and options. Every {@code withX}
 * returns a copy.
 */
public final class Spec {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private final Kind kind;
    private final String name;
    private final int arity;
    private final Invoker invoker;
    private final @Nullable String version;
    private final RetryPolicy retryPolicy;
    private final @Nullable Duration timeout;
    private final Set<String> tags;
    private final @Nullable String runNameTemplate;
    private final List<String> parameterNames;
    private final Map<HookEvent, List<Hook<?>>> hooks;
    private final int maxConcurrency;
    private final @Nullable CachePolicy cache;

    /** Whether a spec defines a task or a flow. */
    public enum Kind {
        TASK("task"),
        FLOW("flow");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** "task" or "flow", for messages. */
        public String word() {
            return word;
        }
    }

    private Spec(Kind kind, String name, int arity, Invoker invoker, @Nullable String version,
            RetryPolicy retryPolicy, @Nullable Duration timeout, Set<String> tags, @Nullable String runNameTemplate,
            List<String> parameterNames, Map<HookEvent, List<Hook<?>>> hooks, int maxConcurrency,
            @Nullable CachePolicy cache) {
        this.kind = kind;
        this.name = name;
        this.arity = arity;
        this.invoker = invoker;
        this.version = version;
        this.retryPolicy = retryPolicy;
        this.timeout = timeout;
        this.tags = tags;
        this.runNameTemplate = runNameTemplate;
        this.parameterNames = parameterNames;
        this.hooks = hooks;
        this.maxConcurrency = maxConcurrency;
        this.cache = cache;
    }

    /** A new spec with default options; validates the name. */
    public static Spec of(Kind kind, String name, int arity, Invoker invoker) {
        checkName(kind, name);
        Objects.requireNonNull(invoker, "body");
        List<String> names = new ArrayList<>(arity);
        for (int i = 0; i < arity; i++) {
            names.add("arg" + i);
        }
        return new Spec(kind, name, arity, invoker, null, RetryPolicy.none(), null, Set.of(), null,
                List.copyOf(names), Map.of(), 0, null);
    }

    private static void checkName(Kind kind, @Nullable String name) {
        if (name == null) {
            throw new IllegalArgumentException(kind.word() + " name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(kind.word() + " name must not be blank, was '" + name + "'");
        }
    }

    public Kind kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public int arity() {
        return arity;
    }

    public Invoker invoker() {
        return invoker;
    }

    public @Nullable String version() {
        return version;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public @Nullable Duration timeout() {
        return timeout;
    }

    public Set<String> tags() {
        return tags;
    }

    public @Nullable String runNameTemplate() {
        return runNameTemplate;
    }

    public List<String> parameterNames() {
        return parameterNames;
    }

    public List<Hook<?>> hooks(HookEvent event) {
        return hooks.getOrDefault(event, List.of());
    }

    public boolean hasHooks() {
        return !hooks.isEmpty();
    }

    /** 0 = no bound on concurrently running submitted tasks. */
    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** The cache policy of a task, if one was set ({@code null} and {@link CachePolicy#none()} both mean none). */
    public @Nullable CachePolicy cache() {
        return cache;
    }

    public Spec withVersion(String version) {
        Objects.requireNonNull(version, "version");
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                parameterNames, hooks, maxConcurrency, cache);
    }

    public Spec withRetryPolicy(RetryPolicy policy) {
        Objects.requireNonNull(policy, "retryPolicy");
        return new Spec(kind, name, arity, invoker, version, policy, timeout, tags, runNameTemplate,
                parameterNames, hooks, maxConcurrency, cache);
    }

    public Spec withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                parameterNames, hooks, maxConcurrency, cache);
    }

    public Spec withTags(String... more) {
        Objects.requireNonNull(more, "tags");
        Set<String> all = new LinkedHashSet<>(tags);
        for (String tag : more) {
            all.add(checkTag(tag));
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout,
                Collections.unmodifiableSet(all), runNameTemplate, parameterNames, hooks, maxConcurrency, cache);
    }

    /** Validates one tag: not null, not blank. */
    public static String checkTag(@Nullable String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("tags must not be null or blank, was " + (tag == null ? "null" : "'" + tag + "'"));
        }
        return tag;
    }

    public Spec withRunName(String template) {
        Objects.requireNonNull(template, "runName");
        if (template.isBlank()) {
            throw new IllegalArgumentException("runName template must not be blank");
        }
        checkTemplate(template, parameterNames);
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, template,
                parameterNames, hooks, maxConcurrency, cache);
    }

    public Spec withParameterNames(String... names) {
        Objects.requireNonNull(names, "parameterNames");
        if (names.length != arity) {
            throw new IllegalArgumentException("parameterNames must name all " + arity + " parameters of "
                    + kind.word() + " '" + name + "', got " + Arrays.toString(names));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank() || !seen.add(n)) {
                throw new IllegalArgumentException("parameterNames must be distinct and not blank, got " + Arrays.toString(names));
            }
        }
        List<String> list = List.of(names);
        if (runNameTemplate != null) {
            checkTemplate(runNameTemplate, list);
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                list, hooks, maxConcurrency, cache);
    }

    public Spec withHook(HookEvent event, Hook<?> hook) {
        Objects.requireNonNull(hook, event.method() + " hook");
        Map<HookEvent, List<Hook<?>>> copy = new EnumMap<>(HookEvent.class);
        copy.putAll(hooks);
        List<Hook<?>> list = new ArrayList<>(hooks(event));
        list.add(hook);
        copy.put(event, List.copyOf(list));
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                parameterNames, Collections.unmodifiableMap(copy), maxConcurrency, cache);
    }

    public Spec withMaxConcurrency(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + n);
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                parameterNames, hooks, n, cache);
    }

    public Spec withCache(CachePolicy cache) {
        Objects.requireNonNull(cache, "cachePolicy");
        for (int i : cache.excludedIndexes()) {
            if (i >= arity) {
                throw new IllegalArgumentException("cache policy of " + kind.word() + " '" + name + "' excludes argument "
                        + i + ", but the " + kind.word() + " takes " + arity + " argument" + (arity == 1 ? "" : "s")
                        + " (indexes start at 0)");
            }
        }
        return new Spec(kind, name, arity, invoker, version, retryPolicy, timeout, tags, runNameTemplate,
                parameterNames, hooks, maxConcurrency, cache);
    }

    private void checkTemplate(String template, List<String> names) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                throw new IllegalArgumentException("runName template '" + template + "' of " + kind.word() + " '" + name
                        + "' names parameter '" + m.group(1) + "', but the parameters are " + names
                        + " (name them with withParameterNames)");
            }
        }
    }

    /** Fills the run-name template from the arguments. */
    public String runName(@Nullable Object[] args) {
        String template = runNameTemplate;
        if (template == null) {
            throw new IllegalStateException("no template");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int i = parameterNames.indexOf(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(Masker.mask(String.valueOf(args[i]))));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
