package dev.sluice.server.internal;

import dev.sluice.block.Secret;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** How times, durations and values read on the pages. Public for the templates. */
public final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** The earliest time a filter or a backfill takes: {@code 0001-01-01T00:00:00Z}. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest time a filter or a backfill takes: {@code 9999-12-31T23:59:59.999999999Z}. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Fmt() {
    }

    /**
     * The message for a time {@code field} outside the years 1 to 9999 (which {@code Instant.parse} takes, up to
     * year 1,000,000,000, and which no schedule or database time can follow), or null when it is inside.
     */
    static @Nullable String outOfYears(String field, Instant at) {
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            return field + " must be a time in the years 0001 to 9999, was " + at;
        }
        return null;
    }

    /** {@code 2026-12-01 10:15:00} (UTC), or an empty string. */
    public static String time(@Nullable Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 4 min 5 s}, {@code 2 h 3 min}. */
    public static String duration(@Nullable Duration d) {
        if (d == null) {
            return "";
        }
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + ((s % 3600) / 60) + " min";
    }

    /** Tags sorted and joined with spaces. */
    public static String tags(Collection<String> tags) {
        return tags.stream().sorted().collect(Collectors.joining(" "));
    }

    /** {@code a=1, b=text}, masked and cut to {@code max} characters. */
    public static String params(Map<String, @Nullable Object> params, int max) {
        String text = params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return cut(text, max);
    }

    /** {@code text} masked and cut to {@code max} characters with an ellipsis. */
    public static String cut(@Nullable String text, int max) {
        if (text == null) {
            return "";
        }
        String masked = Secret.mask(text); // before the cut: a secret across it would show its start
        return masked.length() <= max ? masked : masked.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** Any value as masked text. */
    public static String value(@Nullable Object value) {
        return Secret.mask(String.valueOf(value));
    }

    /** The page of deployment {@code name}, its name escaped for a path. */
    public static String deploymentHref(String name) {
        return DeploymentRoutes.href(name);
    }
}
