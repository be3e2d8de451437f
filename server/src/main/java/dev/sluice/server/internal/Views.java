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

    /** A name and a value. */
    public record Field(String name, String value) {
    }

    /** A log line. */
    public record LogRow(long line, String time, String level, String message, @Nullable String error) {
    }

    /** The error that ended a run. */
    public record ErrorRow(String type, String message, String stack) {
    }

    /** The run page. */
    public record RunView(RunRow run, String end, String timeline, List<StateRow> states, String gantt,
            List<TaskRow> tasks, @Nullable String tasksNextHref, List<TreeNode> subflows, List<Field> parameters,
            @Nullable ErrorRow error, List<LogRow> logs, @Nullable String logsNextHref, boolean live, long lastLine) {
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
    public record ErrorView(int status, String title, String message) {
    }
}
