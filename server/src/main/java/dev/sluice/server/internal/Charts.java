package dev.sluice.server.internal;

import dev.sluice.State;
import dev.sluice.history.FlowRunSummary;
import dev.sluice.history.StateCount;
import dev.sluice.history.TaskRunSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Charts drawn on the server as SVG (no script): the activity bars, the state timeline, the task Gantt. */
final class Charts {
    static final Map<State, String> COLORS = new EnumMap<>(Map.of(
            State.COMPLETED, "#2e7d32", State.CACHED, "#66bb6a", State.FAILED, "#c62828", State.CRASHED, "#6a1b9a",
            State.TIMED_OUT, "#ef6c00", State.CANCELLED, "#757575", State.RUNNING, "#1565c0",
            State.RETRYING, "#f9a825", State.PENDING, "#90a4ae", State.SCHEDULED, "#b0bec5"));

    private Charts() {
    }

    static String color(State s) {
        return COLORS.getOrDefault(s, "#999999");
    }

    /** {@code text} masked ({@link dev.sluice.block.Secret#mask}) and escaped for SVG text or an attribute. */
    static String esc(String text) {
        String s = dev.sluice.block.Secret.mask(text);
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The time from {@code a} to {@code b} in nanoseconds, as a double (no overflow for any span of run times). */
    private static double nanos(Instant a, Instant b) {
        Duration d = Duration.between(a, b);
        return d.getSeconds() * 1e9 + d.getNano();
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    /** Stacked bars of runs per bucket and state, from {@code from} in {@code buckets} steps of {@code bucket}. */
    static String activity(String id, List<StateCount> counts, Instant from, Duration bucket, int buckets, String label) {
        Map<Long, Map<State, Long>> byBucket = new TreeMap<>();
        long max = 0;
        for (StateCount c : counts) {
            long i = Duration.between(from, c.bucketStart()).toMillis() / bucket.toMillis();
            if (i < 0 || i >= buckets) {
                continue;
            }
            Map<State, Long> m = byBucket.computeIfAbsent(i, k -> new EnumMap<>(State.class));
            m.merge(c.state(), c.count(), Long::sum);
        }
        for (Map<State, Long> m : byBucket.values()) {
            max = Math.max(max, m.values().stream().mapToLong(Long::longValue).sum());
        }
        double w = 480;
        double h = 100;
        double bw = w / buckets;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"").append(id).append("\" class=\"chart\" viewBox=\"0 0 ").append((int) w).append(' ')
                .append((int) h + 14).append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">");
        svg.append("<title>").append(esc(label)).append(" (most in one bar: ").append(max).append(")</title>");
        svg.append("<line x1=\"0\" y1=\"").append((int) h).append("\" x2=\"").append((int) w).append("\" y2=\"")
                .append((int) h).append("\" stroke=\"#bbb\"/>");
        for (var e : byBucket.entrySet()) {
            double x = e.getKey() * bw;
            double y = h;
            Instant start = from.plus(bucket.multipliedBy(e.getKey()));
            for (var s : e.getValue().entrySet()) {
                double bh = max == 0 ? 0 : Math.max(1, s.getValue() * (h - 4) / max);
                y -= bh;
                svg.append("<rect class=\"bar\" x=\"").append(num(x + 1)).append("\" y=\"").append(num(y))
                        .append("\" width=\"").append(num(Math.max(1, bw - 2))).append("\" height=\"").append(num(bh))
                        .append("\" fill=\"").append(color(s.getKey())).append("\" data-state=\"").append(s.getKey())
                        .append("\" data-count=\"").append(s.getValue()).append("\"><title>").append(Fmt.time(start))
                        .append(": ").append(s.getValue()).append(' ').append(s.getKey()).append("</title></rect>");
            }
        }
        svg.append("<text x=\"0\" y=\"").append((int) h + 12).append("\" font-size=\"9\" fill=\"#6b7280\" font-family=\"sans-serif\">").append(Fmt.time(from))
                .append("</text><text x=\"").append((int) w).append("\" y=\"").append((int) h + 12)
                .append("\" font-size=\"9\" fill=\"#6b7280\" font-family=\"sans-serif\" text-anchor=\"end\">now</text>");
        return svg.append("</svg>").toString();
    }

    /** The states a run went through as coloured segments along its life. */
    static String stateTimeline(List<dev.sluice.StateChange> changes, Instant end) {
        if (changes.isEmpty()) {
            return "";
        }
        Instant first = changes.get(0).at();
        // in nanoseconds: most runs last a few milliseconds, and times cut to whole ones left gaps between the states
        double total = Math.max(1, nanos(first, end));
        double w = 600;
        StringBuilder svg = new StringBuilder("<svg class=\"timeline\" viewBox=\"0 0 600 24\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"state timeline\">");
        for (int i = 0; i < changes.size(); i++) {
            var c = changes.get(i);
            Instant until = i + 1 < changes.size() ? changes.get(i + 1).at() : end;
            double x = nanos(first, c.at()) * w / total;
            double width = Math.max(2, nanos(c.at(), until) * w / total);
            if (i + 1 == changes.size() && c.state().isTerminal()) {
                width = Math.max(4, w - x);
            }
            svg.append("<rect x=\"").append(num(Math.min(x, w - 2))).append("\" y=\"2\" width=\"").append(num(width))
                    .append("\" height=\"20\" fill=\"").append(color(c.state())).append("\"><title>").append(c.state())
                    .append(" at ").append(Fmt.time(c.at())).append("</title></rect>");
        }
        return svg.append("</svg>").toString();
    }

    /** Task runs as bars on the flow run's time axis (a Gantt chart). */
    static String gantt(FlowRunSummary run, List<TaskRunSummary> tasks, Instant now) {
        if (tasks.isEmpty()) {
            return "";
        }
        Instant start = run.startTime() != null ? run.startTime() : run.createdAt();
        Instant end = run.endTime() != null ? run.endTime() : now;
        for (TaskRunSummary t : tasks) {
            Instant ts = t.startTime() != null ? t.startTime() : t.createdAt();
            if (ts.isBefore(start)) {
                start = ts;
            }
            Instant te = t.endTime() != null ? t.endTime() : now;
            if (te.isAfter(end)) {
                end = te;
            }
        }
        double total = Math.max(1, nanos(start, end));
        double label = 180;
        double w = 720;
        double row = 18;
        int n = Math.min(tasks.size(), 200);
        StringBuilder svg = new StringBuilder("<svg class=\"gantt\" viewBox=\"0 0 ").append((int) w).append(' ')
                .append((int) (n * row + 4)).append("\" role=\"img\" aria-label=\"task runs over time\">");
        for (int i = 0; i < n; i++) {
            TaskRunSummary t = tasks.get(i);
            Instant ts = t.startTime() != null ? t.startTime() : t.createdAt();
            Instant te = t.endTime() != null ? t.endTime() : now;
            double x = label + nanos(start, ts) * (w - label) / total;
            double bw = Math.max(2, nanos(ts, te) * (w - label) / total);
            double y = i * row + 2;
            svg.append("<text x=\"0\" y=\"").append(num(y + 12)).append("\" class=\"axis\">")
                    .append(esc(Fmt.cut(t.name(), 28))).append("</text>");
            svg.append("<rect class=\"task\" x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
                    .append(num(bw)).append("\" height=\"").append(num(row - 4)).append("\" fill=\"").append(color(t.state()))
                    .append("\"><title>").append(esc(t.name())).append(": ").append(t.state()).append(", ")
                    .append(Fmt.duration(t.duration())).append("</title></rect>");
        }
        return svg.append("</svg>").toString();
    }
}
