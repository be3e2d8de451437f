package dev.sluice.server.internal;

import dev.sluice.server.ApiKey;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What the templates show: plain values, already masked and formatted. Public for the templates. */
public final class Views {
    private Views() {
    }

    /** What every page needs: who is looking and the CSRF token for its forms. */
    public record PageContext(String title, String nav, @Nullable String user, String role, boolean open,
            boolean loggedIn, String csrf, boolean admin) {
    }

    /** A row of the runs table. */
    public record RunRow(String id, String state, String flow, String name, String tags, String params, String start,
            String duration, @Nullable String parentId) {
    }

    /** The runs page; the charts are the URLs of their SVG images. */
    public record RunsView(RunFilter filter, List<RunRow> rows, @Nullable String nextHref, String chart24h,
            String chart7d, List<String> states) {
    }

    /** A state the run entered. */
    public record StateRow(String state, String at, String message) {
    }

    /** A row of the task runs table. */
    public record TaskRow(String id, String name, String task, String state, String start, String duration, int attempts) {
    }

    /** A node of the subflow tree: a name part, or a run. */
    public record TreeNode(String label, @Nullable String href, @Nullable String state, List<TreeNode> children) {
    }

    /** A name and a value shown as text; {@code text} false when the value is the JSON of a number, list or object. */
    public record Field(String name, String value, boolean text) {
        /** A name and a text value. */
        public Field(String name, String value) {
            this(name, value, true);
        }
    }

    /** A log line. */
    public record LogRow(long line, String time, String level, String message, @Nullable String error) {
    }

    /** The error that ended a run. */
    public record ErrorRow(String type, String message, String stack) {
    }

    /**
     * The run page; {@code deploymentRun} is the deployment's run that made it (for the cancel and run-again
     * buttons), if any.
     */
    public record RunView(RunRow run, String end, String timeline, List<StateRow> states, String gantt,
            List<TaskRow> tasks, @Nullable String tasksNextHref, List<TreeNode> subflows, List<Field> parameters,
            @Nullable ErrorRow error, List<LogRow> logs, @Nullable String logsNextHref, boolean live, long lastLine,
            @Nullable DeploymentRunRow deploymentRun, boolean canOperate) {
    }

    /** A deployment in the list: its schedules in words, its next runs, its last run. */
    public record DeploymentRow(String name, String href, String flow, String description, String tags, List<String> schedules,
            List<String> nextRuns, @Nullable String lastStatus, @Nullable String lastRunHref, boolean paused) {
    }

    /** The deployments page. */
    public record DeploymentsView(List<DeploymentRow> deployments, @Nullable String problem) {
    }

    /**
     * One field of a run form, built from a parameter: its input kind ({@code select}, {@code checkbox},
     * {@code date}, {@code datetime-local}, {@code number}, {@code text}), its value as entered or its
     * default, and the server's message when the value was wrong; {@code blank}: it may be left empty (optional
     * without a default).
     */
    public record FormField(String name, String id, String kind, String value, List<String> choices, boolean required, boolean blank,
            @Nullable String min, @Nullable String max, @Nullable String step, @Nullable String placeholder,
            String help, @Nullable String error) {
    }

    /** A run of a deployment. */
    public record DeploymentRunRow(String id, String deployment, String deploymentHref, String kind, String status,
            String scheduled, String started, String ended, @Nullable String flowRunId, String parameters, String message,
            boolean canCancel, boolean canRetry) {
    }

    /** A deployment's page: facts, the run form, the backfill form, recent runs. */
    public record DeploymentView(DeploymentRow deployment, String version, String concurrency, String catchUp, String overlap,
            List<FormField> fields, @Nullable String formError, @Nullable String flash, @Nullable String triggeredId,
            String backfillFrom, String backfillTo, boolean backfillForce, @Nullable String backfillError,
            List<DeploymentRunRow> runs, boolean active, boolean canOperate) {
    }

    /** A worker: who, where, its last heartbeat, what it serves and runs. */
    public record WorkerRow(String id, String name, String host, long pid, String started, String heartbeat, String age,
            String stopped, List<String> deployments, List<String> running, boolean stale) {
    }

    /** The workers page. */
    public record WorkersView(List<WorkerRow> workers, String staleAfter, String within) {
    }

    /** A page of log lines. */
    public record LogsView(RunRow run, List<LogRow> logs, @Nullable String nextHref) {
    }

    /** A saved block as shown: secret fields masked. */
    public record BlockRow(String type, String name, List<Field> fields, @Nullable String problem) {
    }

    /** The blocks page. */
    public record BlocksView(String store, List<BlockRow> blocks, boolean canDelete) {
    }

    /** The API keys page, with the key just created (shown once). */
    public record KeysView(List<ApiKey> keys, @Nullable String newName, @Nullable String newToken, @Nullable String message) {
    }

    /** The login page. */
    public record LoginView(String next, @Nullable String message) {
    }

    /** An error page. */
    public record ErrorView(int status, String title, String message, @Nullable String refreshId, @Nullable String refreshHref) {
    }
}
