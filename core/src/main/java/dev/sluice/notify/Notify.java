package dev.sluice.notify;

import dev.sluice.Hook;
import dev.sluice.RetryPolicy;
import dev.sluice.Run;
import dev.sluice.internal.Notifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A hook that sends a {@link Notification} about a run through one or more {@link Notifier}s.
 * Immutable; usable on flows and tasks, for any event:
 *
 * <pre>{@code
 * Flow<String, Integer> etl = Flow.of("daily-etl", (String city) -> load(city))
 *         .onFailure(Notify.via(Blocks.load(SlackWebhook.class, "ops-alerts"), new LogNotifier()));
 * }</pre>
 *
 * <p>The default message names the flow, the run (name and id), its state, the failed task, the
 * error (type and message), the duration and the parameters; every secret value revealed in this
 * JVM is masked in all of them. {@link #withTemplate} and {@link #withSubject} replace the text.
 *
 * <p>A notifier that throws is retried ({@link #withRetries}; by default twice, 1 s apart), then
 * the failure is logged with the run and the next notifier is tried. What no retry can help is not
 * retried: a {@link NotificationException} that is not {@linkplain NotificationException#isRetryable()
 * retryable}, and a {@link dev.sluice.block.BlockNotFoundException} (a notifier whose saved block, its
 * credentials say, does not exist). The run's own state and
 * exception never change. With {@link #raiseOnFailure()} the hook throws a
 * {@link NotificationException} after trying every notifier, which the engine logs loudly.
 */
public final class Notify implements Hook<Run> {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    /** The placeholders a template may use. */
    public static final Set<String> PLACEHOLDERS = Set.of("kind", "name", "flow", "run", "runId", "state",
            "failedTask", "errorType", "errorMessage", "error", "duration", "parameters", "tags", "link");

    /**
     * The environment variable naming the dashboard notifications link to when {@link #withDashboard} does not
     * (read from the runtime's environment), e.g. {@code https://sluice.example.com/}.
     */
    public static final String DASHBOARD_VARIABLE = "SLUICE_DASHBOARD_URL";

    private final List<Notifier> notifiers;
    private final @Nullable String subjectTemplate;
    private final @Nullable String bodyTemplate;
    private final RetryPolicy retryPolicy;
    private final boolean raise;
    private final @Nullable String dashboard;

    private Notify(List<Notifier> notifiers, @Nullable String subjectTemplate, @Nullable String bodyTemplate,
            RetryPolicy retryPolicy, boolean raise, @Nullable String dashboard) {
        this.notifiers = notifiers;
        this.subjectTemplate = subjectTemplate;
        this.bodyTemplate = bodyTemplate;
        this.retryPolicy = retryPolicy;
        this.raise = raise;
        this.dashboard = dashboard;
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
        return new Notify(List.copyOf(notifiers), null, null, RetryPolicy.fixed(2, Duration.ofSeconds(1)), false, null);
    }

    /**
     * A copy whose body is {@code template} with placeholders filled in, e.g.
     * {@code "{flow} {state}: {error} (run {runId})"}. Placeholders: {@link #PLACEHOLDERS}.
     *
     * @throws IllegalArgumentException for an unknown placeholder
     */
    public Notify withTemplate(String template) {
        return new Notify(notifiers, subjectTemplate, check(template, "template"), retryPolicy, raise, dashboard);
    }

    /**
     * A copy whose subject is {@code template}, with the same placeholders as {@link #withTemplate}.
     *
     * @throws IllegalArgumentException for an unknown placeholder
     */
    public Notify withSubject(String template) {
        return new Notify(notifiers, check(template, "subject"), bodyTemplate, retryPolicy, raise, dashboard);
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
        return new Notify(notifiers, subjectTemplate, bodyTemplate, RetryPolicy.fixed(retries, delay), raise, dashboard);
    }

    /**
     * A copy retrying a failing notifier as {@code policy} says: backoff, which errors, and the cap
     * on a service's {@code Retry-After} ({@link RetryPolicy#withMaxRetryAfter}). Notify is the one
     * retry layer of its notifiers: a notifier's own default retries make a single attempt inside it.
     */
    public Notify withRetryPolicy(RetryPolicy policy) {
        return new Notify(notifiers, subjectTemplate, bodyTemplate, Objects.requireNonNull(policy, "retryPolicy"), raise, dashboard);
    }

    /** The retry policy for a failing notifier (default: 2 retries, 1 s apart). */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * A copy whose notifications link to the run in the Sluice dashboard at {@code url} (as {@code sluice server
     * start} serves it, e.g. {@code https://sluice.example.com/}): a {@code link} field and a line of the default
     * body with the address of the flow run's page (for a task run, its flow run's), and the {@code {link}}
     * placeholder. Without it, the {@value #DASHBOARD_VARIABLE} environment variable gives the address; without
     * either, notifications carry no link.
     *
     * @throws IllegalArgumentException unless {@code url} is an absolute http or https address without a query
     */
    public Notify withDashboard(String url) {
        return new Notify(notifiers, subjectTemplate, bodyTemplate, retryPolicy, raise,
                Notifications.dashboard(Objects.requireNonNull(url, "url"), "withDashboard"));
    }

    /** A copy whose hook throws a {@link NotificationException} when a notifier fails for good. */
    public Notify raiseOnFailure() {
        return new Notify(notifiers, subjectTemplate, bodyTemplate, retryPolicy, true, dashboard);
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
        Notifications.send(settings(), run);
    }

    /** The notification this hook sends for {@code run}: its default text, or the templates filled in. */
    public Notification notificationFor(Run run) {
        Objects.requireNonNull(run, "run");
        return Notifications.build(settings(), run);
    }

    private Notifications.Settings settings() {
        return new Notifications.Settings(notifiers, subjectTemplate, bodyTemplate, retryPolicy, raise, dashboard);
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Notifier n : notifiers) {
            names.add(Notifications.describe(n));
        }
        return "Notify.via" + names;
    }
}
