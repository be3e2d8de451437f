package dev.sluice.internal;

import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import dev.sluice.cache.CachePolicy;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The immutable definition behind a task or flow: its kind, name, arity and body, and its
 * {@link Options}. Every {@code withX} returns a copy.
 */
public final class Spec {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    private final Kind kind;
    private final String name;
    private final int arity;
    private final Invoker invoker;
    /** The user's own body (a lambda, method reference or class), to learn the result type it declares; null if unknown. */
    private final @Nullable Object source;
    private final Options options;
    /** Whether the parameter defaults were checked against the body's parameter types (done at the first call). */
    private volatile boolean defaultsTyped;
    /** {@code arg0, arg1, ...}, used until the parameters are named. */
    private final List<String> positional;

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

    private Spec(Kind kind, String name, int arity, Invoker invoker, @Nullable Object source, Options options) {
        this.kind = kind;
        this.name = name;
        this.arity = arity;
        this.invoker = invoker;
        this.source = source;
        this.options = options;
        List<String> names = options.shared().parameterNames();
        if (names == null) {
            List<String> args = new ArrayList<>(Math.max(arity, 0));
            for (int i = 0; i < arity; i++) {
                args.add("arg" + i);
            }
            names = List.copyOf(args);
        }
        this.positional = names;
    }

    /** A new spec with default options; validates the name. */
    public static Spec of(Kind kind, String name, int arity, Invoker invoker) {
        return of(kind, name, arity, null, invoker);
    }

    /** A new spec with default options whose {@code invoker} calls the user's {@code source}; validates the name. */
    public static Spec of(Kind kind, String name, int arity, @Nullable Object source, Invoker invoker) {
        checkName(kind, name);
        Objects.requireNonNull(invoker, "body");
        return new Spec(kind, name, arity, invoker, source, Options.DEFAULTS);
    }

    private static void checkName(Kind kind, @Nullable String name) {
        if (name == null) {
            throw new IllegalArgumentException(kind.word() + " name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(kind.word() + " name must not be blank, was '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                // a name is printed in log lines, the history, the dashboard and the CLI's tables: a line break or a
                // terminal escape in it would forge or garble them
                throw new IllegalArgumentException(kind.word() + " name must not contain a control character (a line break,"
                        + " a tab, an escape), was '" + name.codePoints().collect(StringBuilder::new, (b, c) -> {
                            if (Character.isISOControl(c)) {
                                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", c));
                            } else {
                                b.appendCodePoint(c);
                            }
                        }, StringBuilder::append) + "'");
            }
        }
    }

    /**
     * A spec of unknown arity and no body, that only collects options: what {@code Task.named} and
     * {@code Flow.named} start from. {@link #bind} gives it a body.
     */
    public static Spec unbound(Kind kind, String name) {
        checkName(kind, name);
        return new Spec(kind, name, -1, args -> {
            throw new IllegalStateException(kind.word() + " '" + name + "' has no body yet");
        }, null, Options.DEFAULTS);
    }

    /** This spec's name and options with a body of {@code arity} arguments; checks what depends on the arity. */
    public Spec bind(int arity, Invoker body) {
        return bind(arity, null, body);
    }

    /** As {@link #bind(int, Invoker)}, where {@code body} calls the user's {@code source}. */
    public Spec bind(int arity, @Nullable Object source, Invoker body) {
        Objects.requireNonNull(body, "body");
        Spec bound = new Spec(kind, name, arity, body, source, options);
        List<String> names = options.shared().parameterNames();
        if (names != null && names.size() != arity) {
            throw new IllegalArgumentException("parameterNames must name all " + arity + " parameters of "
                    + kind.word() + " '" + name + "', got " + names);
        }
        CachePolicy cache = options.task().cache();
        return cache == null ? bound : bound.withCache(cache);
    }

    /** A copy with the options {@code change} makes. */
    public Spec with(UnaryOperator<Options.Builder> change) {
        return new Spec(kind, name, arity, invoker, source, change.apply(options.toBuilder()).build());
    }

    public Options options() {
        return options;
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

    /** The user's own body the invoker calls, if known. */
    public @Nullable Object source() {
        return source;
    }

    public Invoker invoker() {
        return invoker;
    }

    public @Nullable String version() {
        return options.shared().version();
    }

    public RetryPolicy retryPolicy() {
        return options.shared().retryPolicy();
    }

    public @Nullable Duration timeout() {
        return options.shared().timeout();
    }

    public Set<String> tags() {
        return options.shared().tags();
    }

    public @Nullable String runNameTemplate() {
        return options.shared().runNameTemplate();
    }

    /** The names of the arguments by position: as given to {@code withParameterNames}, else {@code arg0, arg1, ...}. */
    public List<String> parameterNames() {
        return positional;
    }

    /**
     * The parameter types the body was compiled with (erased), or {@code null} when they cannot be read (a body
     * that is not a lambda or method reference of {@code dev.sluice.function}).
     */
    public Class<?> @Nullable [] parameterTypes() {
        Class<?>[] types = source == null ? null : ResultTypes.parameterTypes(source);
        return types == null || types.length != arity ? null : types;
    }

    /** Whether {@code withParameterNames} named the arguments. */
    public boolean namesGiven() {
        return options.shared().parameterNames() != null;
    }

    public List<Hook<?>> hooks(HookEvent event) {
        return options.shared().hooks().getOrDefault(event, List.of());
    }

    public boolean hasHooks() {
        return !options.shared().hooks().isEmpty();
    }

    /** 0 = no bound on concurrently running submitted tasks. */
    public int maxConcurrency() {
        return options.flow().maxConcurrency();
    }

    /** The cache policy of a task, if one was set ({@code null} and {@link CachePolicy#none()} both mean none). */
    public @Nullable CachePolicy cache() {
        return options.task().cache();
    }

    public Spec withVersion(String version) {
        return with(b -> b.version(version));
    }

    public Spec withRetryPolicy(RetryPolicy policy) {
        return with(b -> b.retryPolicy(policy));
    }

    public Spec withTimeout(Duration timeout) {
        return with(b -> b.timeout(timeout));
    }

    public Spec withTags(String... more) {
        return with(b -> b.addTags(more));
    }

    /** Validates one tag: not null, not blank. */
    public static String checkTag(@Nullable String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("tags must not be null or blank, was " + (tag == null ? "null" : "'" + tag + "'"));
        }
        return tag;
    }

    public Spec withRunName(String template) {
        return with(b -> b.runNameTemplate(template));
    }

    public Spec withParameterNames(String... names) {
        Objects.requireNonNull(names, "parameterNames");
        if (arity >= 0 && names.length != arity) {
            throw new IllegalArgumentException("parameterNames must name all " + arity + " parameters of "
                    + kind.word() + " '" + name + "', got " + Arrays.toString(names));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            if (n == null || n.isBlank() || !seen.add(n)) {
                throw new IllegalArgumentException("parameterNames must be distinct and not blank, got " + Arrays.toString(names));
            }
        }
        return with(b -> b.parameterNames(List.of(names)));
    }

    public Spec withParameterDefault(String parameter, Object value) {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(value, "default value of parameter '" + parameter + "'");
        return with(b -> b.parameterDefault(parameter, value));
    }

    public Spec withHook(HookEvent event, Hook<?> hook) {
        return with(b -> b.addHook(event, hook));
    }

    public Spec withMaxConcurrency(int n) {
        return with(b -> b.maxConcurrency(n));
    }

    public Spec withCache(CachePolicy cache) {
        Objects.requireNonNull(cache, "cachePolicy");
        for (int i : cache.excludedIndexes()) {
            if (arity >= 0 && i >= arity) {
                throw new IllegalArgumentException("cache policy of " + kind.word() + " '" + name + "' excludes argument "
                        + i + ", but the " + kind.word() + " takes " + arity + " argument" + (arity == 1 ? "" : "s")
                        + " (indexes start at 0)");
            }
        }
        return with(b -> b.cache(cache));
    }

    /**
     * The arguments a run gets: {@code args} with each null argument whose parameter has a default
     * replaced by the default. Checks that every default names a parameter and that the run-name
     * template names only parameters, so a mistake shows at the first call, whatever the order of
     * the {@code withX} calls that made it.
     *
     * @throws IllegalArgumentException for a default or a placeholder that names no parameter
     */
    public @Nullable Object[] prepare(@Nullable Object[] args) {
        Map<String, @Nullable Object> defaults = options.shared().parameterDefaults();
        @Nullable Object[] out = args;
        if (!defaults.isEmpty()) {
            for (String p : defaults.keySet()) {
                if (!positional.contains(p)) {
                    throw new IllegalArgumentException(kind.word() + " '" + name + "' has a default for parameter '" + p
                            + "', but its parameters are " + positional + " (name them with withParameterNames)");
                }
            }
            if (!defaultsTyped) {
                checkDefaultTypes(defaults);
                defaultsTyped = true;
            }
            for (int i = 0; i < args.length; i++) {
                if (args[i] == null && defaults.containsKey(positional.get(i))) {
                    if (out == args) {
                        out = args.clone();
                    }
                    out[i] = defaults.get(positional.get(i));
                }
            }
        }
        String template = runNameTemplate();
        // a null where a record is passed has no components to check the names against: its placeholders read "null"
        if (template != null && !(out.length == 1 && out[0] == null && !namesGiven())) {
            Map<String, @Nullable Object> params = null;
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                if (params == null) {
                    params = parameters(out);
                }
                if (!params.containsKey(m.group(1))) {
                    throw new IllegalArgumentException("runName template '" + template + "' of " + kind.word() + " '" + name
                            + "' names parameter '" + m.group(1) + "', but the parameters are " + params.keySet()
                            + " (name them with withParameterNames, or pass a record whose components have those names)");
                }
            }
        }
        return out;
    }

    /** Refuses a default that is not of its parameter's type, when the body says what its parameters' types are. */
    private void checkDefaultTypes(Map<String, @Nullable Object> defaults) {
        Class<?>[] types = source == null ? null : ResultTypes.parameterTypes(source);
        if (types == null || types.length != positional.size()) {
            return;
        }
        for (Map.Entry<String, @Nullable Object> d : defaults.entrySet()) {
            Class<?> type = types[positional.indexOf(d.getKey())];
            Object value = d.getValue();
            if (value != null && !type.isInstance(value)) {
                throw new IllegalArgumentException(kind.word() + " '" + name + "' has a default for parameter '" + d.getKey()
                        + "' of type " + value.getClass().getName() + ", but the parameter is a " + type.getName());
            }
        }
    }

    /**
     * The arguments by parameter name: the names given to {@code withParameterNames}; else, for a
     * single argument that is a record, its components by name; else {@code arg0, arg1, ...}.
     */
    public Map<String, @Nullable Object> parameters(@Nullable Object[] args) {
        if (!namesGiven() && args.length == 1 && args[0] != null && args[0].getClass().isRecord()) {
            Object record = args[0];
            RecordComponent[] components = record.getClass().getRecordComponents();
            Map<String, @Nullable Object> map = new LinkedHashMap<>(components.length * 2);
            for (RecordComponent c : components) {
                try {
                    var accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    map.put(c.getName(), accessor.invoke(record));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return positionalMap(args); // a record we may not read: shown whole, as arg0
                }
            }
            return map;
        }
        return positionalMap(args);
    }

    private Map<String, @Nullable Object> positionalMap(@Nullable Object[] args) {
        Map<String, @Nullable Object> map = new LinkedHashMap<>(args.length * 2);
        for (int i = 0; i < args.length; i++) {
            map.put(positional.get(i), args[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** Fills the run-name template from the arguments (checked by {@link #prepare}). */
    public String runName(@Nullable Object[] args) {
        String template = runNameTemplate();
        if (template == null) {
            throw new IllegalStateException("no template");
        }
        Map<String, @Nullable Object> params = parameters(args);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(Masker.mask(String.valueOf(params.get(m.group(1))))));
        }
        m.appendTail(sb);
        for (int i = 0; i < sb.length(); i++) {
            if (Character.isISOControl(sb.charAt(i))) {
                sb.setCharAt(i, ' '); // a line break in a parameter must not break the log lines that name the run
            }
        }
        // masked whole too (a secret may span a placeholder and the text next to it), and before the cut, so a
        // cut never leaves the start of a secret the masker would no longer recognise
        return capped(Masker.mask(sb.toString()));
    }

    /** The longest a run name made from a template may be, in UTF-16 characters ("…" included). */
    public static final int MAX_RUN_NAME = 200;

    /** {@code name} cut to {@link #MAX_RUN_NAME} between two grapheme clusters, with "…" at the end. */
    static String capped(String name) {
        return dev.sluice.notify.TextCuts.cut(name, MAX_RUN_NAME, dev.sluice.notify.TextCuts.Measure.CHARS, "\u2026");
    }
}
