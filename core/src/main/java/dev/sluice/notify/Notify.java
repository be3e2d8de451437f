package dev.sluice.notify;

import dev.sluice.ErrorInfo;
import dev.sluice.FlowRun;
import dev.sluice.Hook;
import dev.sluice.Run;
import dev.sluice.RunContext;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import dev.sluice.TaskRun;
import dev.sluice.internal.Masker;
import dev.sluice.internal.Texts;
import dev.sluice.internal.RunRecord;
import dev.sluice.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hook that sends a {@link Notification} about a run through one or more {@link Notifier}s.
 * Immutable; usable on flows and tasks, for any event:
 *
 * <pre>{@code
 * Flow<String, Integer> etl = Flow.of("daily-etl", ...)
 *         .onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts"), new LogNotifier()));
 * }</pre>
 *
 * <p>The default message names the flow, the run (name and id), its state, the failed task, the
 * error (type and message), the duration and the parameters; every secret value revealed in this
 * JVM is masked in all of them. {@link #withTemplate} and {@link #withSubject} replace the text.
 *
 * <p>A notifier that throws is retried ({@link #withRetries}; by default twice, 1 s apart), then
 * the failure is logged with the run and the next notifier is tried. The run's own state and
 * exception never change. With {@link #raiseOnFailure()} the hook throws a
 * {@link NotificationException} after trying every notifier, which the engine logs loudly.
 */
public final class Notify implements Hook<Run> {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.notify.Notify");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final int MAX_VALUE = 200;

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("kind", "name", "flow", "run", "runId", "state",
            "failedTask", "errorType", "errorMessage", "error", "duration", "parameters", "tags");

    private final List<Notifier> notifiers;
    private final @Nullable String subjectTemplate;
    private final @Nullable String bodyTemplate;
    private final int retries;
    private final Duration retryDelay;
    private final boolean raise;

    private Notify(List<Notifier> notifiers, @Nullable String subjectTemplate, @Nullable String bodyTemplate,
            int retries, Duration retryDelay, boolean raise) {
        this.notifiers = notifiers;
        this.subjectTemplate = subjectTemplate;
        this.bodyTemplate = bodyTemplate;
        this.retries = retries;
        this.retryDelay = retryDelay;
        this.raise = raise;
    }

    /** A hook notifying through each of {@code notifiers}, in order. */
    public static Notify via(Notifier... notifiers) {
        return via(List.of(notifiers));
    }

    /** A hook notifying through each of {@code notifiers}, in order. */
    public static Notify via(List<? extends Notifier> notifiers) {
        Objects.requireNonNull(notifiers, "notifiers");
        if (notifiers.isEmpty()) {
            throw new IllegalArgumentException("Notify.via needs at least one notifier");
        }
        for (Notifier n : notifiers) {
            Objects.requireNonNull(n, "notifier");
        }
        return new Notify(List.copyOf(notifiers), null, null, 2, Duration.ofSeconds(1), false);
    }

    /**
     * A copy whose body is {@code template} with placeholders filled in, e.g.
     * {@code "{flow} {state}: {error} (run {runId})"}. Placeholders: {@link #PLACEHOLDERS}.
     *
     * @throws IllegalArgumentException for an unknown placeholder
     */
    public Notify withTemplate(String template) {
        return new Notify(notifiers, subjectTemplate, check(template, "template"), retries, retryDelay, raise);
    }

    /**
     * A copy whose subject is {@code template}, with the same placeholders as {@link #withTemplate}.
     *
     * @throws IllegalArgumentException for an unknown placeholder
     */
    public Notify withSubject(String template) {
        return new Notify(notifiers, check(template, "subject"), bodyTemplate, retries, retryDelay, raise);
    }

    /** A copy retrying a failing notifier up to {@code retries} times, {@code delay} apart. */
    public Notify withRetries(int retries, Duration delay) {
        if (retries < 0 || retries > 10) {
            throw new IllegalArgumentException("retries must be between 0 and 10, was " + retries);
        }
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and 1 minute, was " + delay);
        }
        return new Notify(notifiers, subjectTemplate, bodyTemplate, retries, delay, raise);
    }

    /** A copy whose hook throws a {@link NotificationException} when a notifier fails for good. */
    public Notify raiseOnFailure() {
        return new Notify(notifiers, subjectTemplate, bodyTemplate, retries, retryDelay, true);
    }

    private static String check(String template, String what) {
        Objects.requireNonNull(template, what);
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw new IllegalArgumentException(what + " placeholder {" + m.group(1) + "} is unknown; use one of "
                        + new TreeSet<>(PLACEHOLDERS));
            }
        }
        return template;
    }

    /**
     * Sends the notification for {@code run} through every notifier.
     *
     * @throws NotificationException if a notifier failed for good and {@link #raiseOnFailure()} is set
     */
    @Override
    public void call(Run run) {
        Objects.requireNonNull(run, "run");
        Notification notification = notificationFor(run);
        List<String> failed = new ArrayList<>();
        RuntimeException first = null;
        for (Notifier notifier : notifiers) {
            int[] attempts = new int[1];
            RuntimeException error = deliver(notifier, notification, attempts);
            if (error != null) {
                String who = describe(notifier);
                failed.add(who);
                Throwable masked = Masker.maskThrowable(error);
                logger(run).error("notification about {} run '{}' via {} failed after {}; the run's outcome is unchanged",
                        kind(run), run.name(), who, Texts.plural(attempts[0], "attempt"), masked);
                if (first == null) {
                    first = error;
                }
            }
        }
        if (raise && first != null) {
            throw new NotificationException("notification about " + kind(run) + " run '" + run.name() + "' failed via "
                    + failed + ": " + Masker.mask(first.getClass().getName() + ": " + first.getMessage()),
                    Masker.maskThrowable(first));
        }
    }

    /** Sends with retries; the last error, or null once delivered. {@code attempts[0]} gets the attempts made. */
    private @Nullable RuntimeException deliver(Notifier notifier, Notification notification, int[] attempts) {
        RuntimeException last = null;
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            attempts[0] = attempt;
            try {
                notifier.send(notification);
                return null;
            } catch (RuntimeException e) {
                last = e;
                LOG.debug("notifier {} failed (attempt {} of {}): {}", describe(notifier), attempt, retries + 1,
                        Masker.mask(e.toString()));
                if (e instanceof NotificationException ne && !ne.isRetryable()) {
                    break; // the notifier has retried itself, or retrying cannot help
                }
            }
            if (attempt <= retries) {
                try {
                    Settings.sleeper().sleep(retryDelay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return last;
    }

    private static String describe(Notifier notifier) {
        // toString of a block record masks its secrets; a plain lambda's is noise
        String s = notifier.getClass().isRecord() ? notifier.toString() : notifier.getClass().getSimpleName();
        return Masker.mask(s.isEmpty() ? notifier.getClass().getName() : s);
    }

    private static Logger logger(Run run) {
        return run instanceof RunRecord record ? record.logger() : LOG;
    }

    /** The notification this hook sends for {@code run}: its default text, or the templates filled in. */
    public Notification notificationFor(Run run) {
        Objects.requireNonNull(run, "run");
        Map<String, String> v = values(run);
        String subject = subjectTemplate != null ? fill(subjectTemplate, v) : defaultSubject(v);
        String body = bodyTemplate != null ? fill(bodyTemplate, v) : defaultBody(v);
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, "flow", v.get("flow"));
        if (!(run instanceof FlowRun<?>)) {
            put(fields, "task", v.get("name"));
        }
        put(fields, "run", v.get("run"));
        put(fields, "run id", v.get("runId"));
        put(fields, "state", v.get("state"));
        put(fields, "failed task", v.get("failedTask"));
        put(fields, "error type", v.get("errorType"));
        put(fields, "error", v.get("errorMessage"));
        put(fields, "duration", v.get("duration"));
        put(fields, "parameters", v.get("parameters"));
        return new Notification(Masker.mask(subject), Masker.mask(body), severity(run.state()), fields);
    }

    private static void put(Map<String, String> fields, String key, @Nullable String value) {
        if (value != null && !value.isEmpty()) {
            fields.put(key, Masker.mask(value));
        }
    }

    private static Map<String, String> values(Run run) {
        Map<String, String> v = new LinkedHashMap<>();
        boolean flow = run instanceof FlowRun<?>;
        v.put("kind", kind(run));
        v.put("name", run.definitionName());
        String flowName = flow ? run.definitionName()
                : RunContext.flowRun().map(Run::definitionName).orElse("");
        v.put("flow", flowName);
        v.put("run", run.name());
        v.put("runId", run.id());
        v.put("state", run.state().name());
        Optional<TaskRun> failedTask = run instanceof FlowRun<?> f ? f.failedTaskRun() : Optional.empty();
        v.put("failedTask", failedTask.map(t -> "'" + t.definitionName() + "' (run '" + t.name() + "') "
                + t.state() + " after " + Texts.plural(t.attempts(), "attempt")).orElse(""));
        Optional<ErrorInfo> error = run.error();
        if (error.isPresent() && error.get().type().equals(TaskFailedException.class.getName())
                && failedTask.flatMap(Run::error).isPresent()) {
            error = failedTask.flatMap(Run::error); // the task's own exception says more than the wrapper
        }
        v.put("errorType", error.map(ErrorInfo::type).orElse(""));
        v.put("errorMessage", error.map(e -> Masker.mask(e.message())).orElse(""));
        v.put("error", error.map(e -> Masker.mask(e.summary())).orElse(""));
        v.put("duration", Texts.human(run.duration()));
        List<String> params = new ArrayList<>();
        run.parameters().forEach((k, value) -> params.add(k + "=" + shorten(Masker.mask(String.valueOf(value)))));
        v.put("parameters", String.join(", ", params));
        v.put("tags", String.join(", ", new TreeSet<>(run.tags())));
        return v;
    }

    private static String defaultSubject(Map<String, String> v) {
        return "[Sluice] " + v.get("kind") + " '" + v.get("name") + "' " + v.get("state") + " (run '" + v.get("run") + "')";
    }

    private static String defaultBody(Map<String, String> v) {
        StringBuilder sb = new StringBuilder();
        sb.append(capitalize(v.get("kind"))).append(" '").append(v.get("name")).append("' run '").append(v.get("run"))
                .append("' (id ").append(v.get("runId")).append(")");
        if (!"flow".equals(v.get("kind")) && !v.get("flow").isEmpty()) {
            sb.append(" in flow '").append(v.get("flow")).append("'");
        }
        sb.append(" ended ").append(v.get("state")).append(" after ").append(v.get("duration")).append('.');
        line(sb, "Failed task", v.get("failedTask"));
        line(sb, "Error", v.get("error"));
        line(sb, "Parameters", v.get("parameters"));
        line(sb, "Tags", v.get("tags"));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        if (!value.isEmpty()) {
            sb.append('\n').append(label).append(": ").append(value);
        }
    }

    private static String fill(String template, Map<String, String> v) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(v.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static Severity severity(State state) {
        return switch (state) {
            case CRASHED -> Severity.CRITICAL;
            case FAILED, TIMED_OUT -> Severity.ERROR;
            case CANCELLED, RETRYING -> Severity.WARNING;
            default -> Severity.INFO;
        };
    }

    private static String kind(Run run) {
        return run instanceof FlowRun<?> ? "flow" : "task";
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String shorten(String s) {
        return s.length() <= MAX_VALUE ? s : s.substring(0, MAX_VALUE) + "...";
    }


    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Notifier n : notifiers) {
            names.add(describe(n));
        }
        return "Notify.via" + names;
    }
}
