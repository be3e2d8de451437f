package dev.sluice.internal;

import dev.sluice.ErrorInfo;
import dev.sluice.FlowFailedException;
import dev.sluice.FlowRun;
import dev.sluice.RetryPolicy;
import dev.sluice.Run;
import dev.sluice.RunContext;
import dev.sluice.State;
import dev.sluice.TaskFailedException;
import dev.sluice.TaskRun;
import dev.sluice.notify.Notification;
import dev.sluice.notify.NotificationException;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import dev.sluice.notify.TextCuts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code Notify} hook does: builds the notification for a run and delivers it through each
 * notifier with the one retry loop, logging failures with the run. {@code Notify} itself is the
 * settings in front of this.
 */
public final class Notifications {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.notify.Notify");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    private static final int MAX_VALUE = 200;

    /** What a {@code Notify} was configured with. */
    public record Settings(List<Notifier> notifiers, @Nullable String subjectTemplate, @Nullable String bodyTemplate,
            RetryPolicy retryPolicy, boolean raise, @Nullable String dashboard) {
    }

    /**
     * {@code url} as a dashboard's base address, ending in a slash.
     *
     * @throws IllegalArgumentException naming {@code where} unless it is an absolute http(s) address without query or fragment
     */
    public static String dashboard(String url, String where) {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(where + ": '" + url + "' is no address: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(where + ": the dashboard's address must be an absolute http or https URL"
                    + " without user, query or fragment, like https://sluice.example.com/; was '" + Masker.mask(url) + "'");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text : text + "/";
    }

    /** The address of the page of {@code run}'s flow run in the dashboard, or "" when none is configured. */
    private static String link(Settings settings, Run run) {
        String base = settings.dashboard();
        if (base == null) {
            String configured = run instanceof RunRecord record ? record.runtime.environment().get(dev.sluice.notify.Notify.DASHBOARD_VARIABLE)
                    : null;
            if (configured == null || configured.isBlank()) {
                return "";
            }
            try {
                base = dashboard(configured, dev.sluice.notify.Notify.DASHBOARD_VARIABLE);
            } catch (IllegalArgumentException e) {
                LOG.warn("{}; notifications carry no link", e.getMessage());
                return "";
            }
        }
        // a task run's page is its flow run's
        String flowRunId = run instanceof FlowRun<?> ? run.id() : run instanceof TaskRun task ? task.flowRunId().orElse(null) : null;
        return flowRunId == null ? "" : base + "runs/" + flowRunId;
    }

    private Notifications() {
    }

    /**
     * Sends the notification for {@code run} through every notifier.
     *
     * @throws NotificationException if a notifier failed for good and {@link #raiseOnFailure()} is set
     */
    public static void send(Settings settings, Run run) {
        Notification notification = build(settings, run);
        List<String> failed = new ArrayList<>();
        RuntimeException first = null;
        for (Notifier notifier : settings.notifiers()) {
            int[] attempts = new int[1];
            RuntimeException error = deliver(settings, notifier, notification, attempts);
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
        if (settings.raise() && first != null) {
            throw new NotificationException("notification about " + kind(run) + " run '" + run.name() + "' failed via "
                    + failed + ": " + Masker.mask(first.getClass().getName() + ": " + first.getMessage()),
                    Masker.maskThrowable(first));
        }
    }

    /** Sends with retries; the last error, or null once delivered. {@code attempts[0]} gets the attempts made. */
    private static @Nullable RuntimeException deliver(Settings settings, Notifier notifier, Notification notification,
            int[] attempts) {
        RetryPolicy policy = settings.retryPolicy();
        int retries = policy.maxRetries();
        try {
            Retrier.run(policy, retries, true, attempt -> {
                attempts[0] = attempt;
                notifier.send(notification);
                return null;
            }, new Retrier.Events() {
                @Override
                public boolean retryable(Throwable error) {
                    // a NotificationException that is not retryable: the notifier retried itself, or retrying cannot help;
                    // nor can it for a notifier whose saved block (its credentials, say) does not exist
                    return error instanceof RuntimeException && !(error instanceof NotificationException ne && !ne.isRetryable())
                            && !(error instanceof dev.sluice.block.BlockNotFoundException) && policy.shouldRetry(error);
                }

                @Override
                public void retrying(int attempt, Throwable error, Duration wait, boolean serverAsked) {
                    LOG.debug("notifier {} failed (attempt {} of {}): {}", describe(notifier), attempt, retries + 1,
                            Masker.mask(error.toString()));
                }

                @Override
                public void gaveUp(int n, Throwable error, @Nullable String reason) {
                    if (reason != null) {
                        error.addSuppressed(new Retrier.RetriesStopped(reason));
                    }
                }

                @Override
                public Throwable interrupted(int attempt, Throwable error, InterruptedException interrupt) {
                    Thread.currentThread().interrupt();
                    return error;
                }
            });
            return null;
        } catch (RuntimeException e) {
            return e;
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            return new NotificationException("notifier " + describe(notifier) + " failed: " + Masker.mask(t.toString()), t);
        }
    }

    public static String describe(Notifier notifier) {
        // toString of a block record masks its secrets; a plain lambda's is noise
        String s = notifier.getClass().isRecord() ? notifier.toString() : notifier.getClass().getSimpleName();
        return Masker.mask(s.isEmpty() ? notifier.getClass().getName() : s);
    }

    private static Logger logger(Run run) {
        return run instanceof RunRecord record ? record.logger() : LOG;
    }

    /** The notification for {@code run}: its default text, or the templates filled in. */
    public static Notification build(Settings settings, Run run) {
        Map<String, String> v = values(run);
        v.put("link", link(settings, run));
        String subject = settings.subjectTemplate() != null ? fill(settings.subjectTemplate(), v) : defaultSubject(v);
        String body = settings.bodyTemplate() != null ? fill(settings.bodyTemplate(), v) : defaultBody(v);
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, "flow", v.get("flow"));
        if (!(run instanceof FlowRun<?>)) {
            put(fields, "task", v.get("name"));
        }
        put(fields, "run", v.get("run"));
        put(fields, "run id", v.get("runId"));
        put(fields, "link", v.get("link"));
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
        if (error.isPresent() && failedTask.flatMap(Run::error).isPresent() && wraps(error.get(), failedTask.get())) {
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

    /**
     * Whether {@code error} only carries the failure of {@code task}: a TaskFailedException, or a
     * subflow's FlowFailedException whose message names that task run (a subflow that failed in its
     * own body, after handling a task's failure, keeps its own error).
     */
    private static boolean wraps(ErrorInfo error, TaskRun task) {
        if (error.type().equals(TaskFailedException.class.getName())) {
            return true;
        }
        return error.type().equals(FlowFailedException.class.getName())
                && error.message().contains(TaskFailedException.class.getSimpleName() + ": task '" + task.definitionName()
                        + "' (run '" + task.name() + "')");
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
        boolean ended = dev.sluice.State.valueOf(v.get("state")).isTerminal();
        sb.append(ended ? " ended " : " is ").append(v.get("state")).append(ended ? " after " : ", for ")
                .append(v.get("duration")).append('.');
        line(sb, "Failed task", v.get("failedTask"));
        line(sb, "Error", v.get("error"));
        line(sb, "Parameters", v.get("parameters"));
        line(sb, "Tags", v.get("tags"));
        line(sb, "Dashboard", v.get("link"));
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
        // cut between grapheme clusters: half an emoji would arrive as '?'
        return s.length() <= MAX_VALUE ? s : s.substring(0, TextCuts.boundaryAtOrBefore(s, MAX_VALUE)) + "...";
    }


}
