package dev.sluice.server.internal;

import dev.sluice.State;
import dev.sluice.history.FlowRunQuery;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The runs filters as they stand in the URL ({@code ?flow=etl&name=daily-%&tag=env:prod&state=FAILED&range=24h}),
 * parsed strictly: a malformed value is a 400 naming the parameter. Public for the templates.
 *
 * @param flows flow names (any of)
 * @param name a run name pattern ({@code %} any text); without a wildcard it is a prefix
 * @param tags tags a run must all have
 * @param states states (any of)
 * @param range a time range relative to now ({@code 1h}, {@code 24h}, {@code 7d}, {@code 30d}), or empty
 * @param from runs started at or after (ISO-8601, or {@code yyyy-MM-ddTHH:mm} in UTC)
 * @param to runs started before
 * @param topLevel only runs that are not subflows
 * @param limit the page size
 * @param after the cursor of the page to continue after
 */
public record RunFilter(List<String> flows, String name, List<String> tags, Set<State> states, String range,
        @Nullable Instant from, @Nullable Instant to, boolean topLevel, int limit, @Nullable String after) {
    static final Map<String, Duration> RANGES = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    /** The filters of {@code ctx}'s query string. */
    static RunFilter parse(Context ctx) {
        List<String> flows = split(ctx.queryParams("flow"));
        String name = strip(ctx.queryParam("name"));
        List<String> tags = split(ctx.queryParams("tag"));
        Set<State> states = EnumSet.noneOf(State.class);
        for (String s : split(ctx.queryParams("state"))) {
            try {
                states.add(State.valueOf(s.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("state must be one of " + List.of(State.values()) + ", was '" + s + "'");
            }
        }
        String range = strip(ctx.queryParam("range"));
        if (!range.isEmpty() && !RANGES.containsKey(range)) {
            throw HttpError.badRequest("range must be one of 1h, 24h, 7d, 30d, was '" + range + "'");
        }
        Instant from = instant("from", ctx.queryParam("from"));
        Instant to = instant("to", ctx.queryParam("to"));
        if (from != null && to != null && !to.isAfter(from)) {
            throw HttpError.badRequest("to must be after from, was from=" + from + ", to=" + to);
        }
        if (!range.isEmpty() && (from != null || to != null)) {
            throw HttpError.badRequest("range and from/to both say when: give range (1h, 24h, 7d, 30d) or from and to, not both");
        }
        String top = strip(ctx.queryParam("top"));
        if (!top.isEmpty() && !List.of("1", "0", "true", "false").contains(top.toLowerCase(Locale.ROOT))) {
            throw HttpError.badRequest("top must be 1 or 0 (true or false), was '" + top + "'");
        }
        int limit = FlowRunQuery.DEFAULT_LIMIT;
        String l = strip(ctx.queryParam("limit"));
        if (!l.isEmpty()) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw HttpError.badRequest("limit must be a number from 1 to 500, was '" + l + "'");
            }
            if (limit < 1 || limit > 500) {
                throw HttpError.badRequest("limit must be a number from 1 to 500, was '" + l + "'");
            }
        }
        String after = strip(ctx.queryParam("after"));
        return new RunFilter(flows, name, tags, Set.copyOf(states), range, from, to,
                top.equals("1") || top.equalsIgnoreCase("true"), limit, after.isEmpty() ? null : after);
    }

    private static String strip(@Nullable String s) {
        return s == null ? "" : s.strip();
    }

    private static List<String> split(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return List.copyOf(out);
    }

    private static @Nullable Instant instant(String field, @Nullable String text) {
        String t = strip(text);
        if (t.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw HttpError.badRequest(field + " must be a time like 2026-12-01T10:00:00Z or 2026-12-01T10:00 (UTC), was '"
                        + Fmt.cut(t, 40) + "'");
            }
        }
    }

    /** The history query of these filters, without the cursor. */
    FlowRunQuery query(Clock clock) {
        FlowRunQuery q = FlowRunQuery.all().limit(limit);
        if (!flows.isEmpty()) {
            q = q.flowName(flows.toArray(String[]::new));
        }
        if (!name.isEmpty()) {
            q = q.nameLike(name.contains("%") || name.contains("_") ? name : name + "%");
        }
        if (!tags.isEmpty()) {
            q = q.withAllTags(tags.toArray(String[]::new));
        }
        if (!states.isEmpty()) {
            q = q.inStates(states.toArray(State[]::new));
        }
        if (!range.isEmpty()) {
            q = q.startedAfter(clock.instant().minus(RANGES.get(range)));
        }
        if (from != null) {
            q = q.startedAfter(from);
        }
        if (to != null) {
            q = q.startedBefore(to);
        }
        if (topLevel) {
            q = q.topLevel();
        }
        return q;
    }

    /** Whether {@code s} is one of the states asked for (for the check boxes). */
    public boolean hasState(State s) {
        return states.contains(s);
    }

    /** The flows as typed. */
    public String flowText() {
        return String.join(", ", flows);
    }

    /** The tags as typed. */
    public String tagText() {
        return String.join(", ", tags);
    }

    /** The page size when it is not the default one (kept by the filters form), or an empty string. */
    public String limitText() {
        return limit == FlowRunQuery.DEFAULT_LIMIT ? "" : Integer.toString(limit);
    }

    /** {@code from} as a {@code datetime-local} value. */
    public String fromText() {
        return local(from);
    }

    /** {@code to} as a {@code datetime-local} value. */
    public String toText() {
        return local(to);
    }

    private static String local(@Nullable Instant t) {
        return t == null ? "" : LocalDateTime.ofInstant(t, ZoneOffset.UTC).toString();
    }

    /** The query string of these filters (without the cursor), starting with '?', or empty. */
    public String queryString() {
        return queryString(null);
    }

    /** The query string of these filters continuing after {@code cursor}. */
    public String queryString(@Nullable String cursor) {
        List<String> parts = new ArrayList<>();
        flows.forEach(f -> parts.add("flow=" + enc(f)));
        if (!name.isEmpty()) {
            parts.add("name=" + enc(name));
        }
        tags.forEach(t -> parts.add("tag=" + enc(t)));
        states.stream().sorted().forEach(s -> parts.add("state=" + s.name()));
        if (!range.isEmpty()) {
            parts.add("range=" + enc(range));
        }
        if (from != null) {
            parts.add("from=" + enc(from.toString()));
        }
        if (to != null) {
            parts.add("to=" + enc(to.toString()));
        }
        if (topLevel) {
            parts.add("top=1");
        }
        if (limit != FlowRunQuery.DEFAULT_LIMIT) {
            parts.add("limit=" + limit);
        }
        if (cursor != null) {
            parts.add("after=" + enc(cursor));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** The query string of the filters that shape a chart ({@code &}-prefixed, no page size, no cursor). */
    public String chartQueryString() {
        RunFilter f = new RunFilter(flows, name, tags, states, range, from, to, topLevel, FlowRunQuery.DEFAULT_LIMIT, null);
        String q = f.queryString();
        return q.isEmpty() ? "" : "&" + q.substring(1);
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
