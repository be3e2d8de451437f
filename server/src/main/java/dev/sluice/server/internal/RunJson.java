package dev.sluice.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.history.FlowRunSummary;
import java.io.IOException;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A flow run written straight to a JSON generator, in the shape Jackson gives the summary record plus
 * {@code durationMillis} and the stored (masked) parameters: the runs API's hot path, with no tree in between.
 */
final class RunJson {
    private RunJson() {
    }

    static void write(JsonGenerator g, FlowRunSummary r, String rawParameters) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("name", r.name());
        g.writeStringField("flowName", r.flowName());
        g.writeStringField("version", r.version());
        g.writeStringField("state", r.state().name());
        g.writeStringField("parentFlowRunId", r.parentFlowRunId());
        g.writeArrayFieldStart("tags");
        for (String t : r.tags()) {
            g.writeString(t);
        }
        g.writeEndArray();
        g.writeNumberField("attempts", r.attempts());
        time(g, "createdAt", r.createdAt());
        time(g, "startTime", r.startTime());
        time(g, "endTime", r.endTime());
        g.writeStringField("duration", r.duration().toString());
        time(g, "updatedAt", r.updatedAt());
        g.writeNumberField("durationMillis", r.duration().toMillis());
        g.writeFieldName("parameters");
        g.writeRawValue(rawParameters);
        g.writeEndObject();
    }

    private static void time(JsonGenerator g, String field, @Nullable Instant t) throws IOException {
        g.writeStringField(field, t == null ? null : iso(t));
    }

    /** {@code t} as {@link Instant#toString()} writes it, without its formatter (the runs API writes four a run). */
    static String iso(Instant t) {
        long seconds = t.getEpochSecond();
        int nanos = t.getNano();
        if (seconds < 0 || seconds >= 253_402_300_800L) { // outside years 1970..9999
            return t.toString();
        }
        long day = Math.floorDiv(seconds, 86_400);
        int secOfDay = (int) Math.floorMod(seconds, 86_400);
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(day);
        StringBuilder b = new StringBuilder(30);
        b.append(date.getYear()).append('-');
        two(b, date.getMonthValue()).append('-');
        two(b, date.getDayOfMonth()).append('T');
        two(b, secOfDay / 3600).append(':');
        two(b, secOfDay / 60 % 60).append(':');
        two(b, secOfDay % 60);
        if (nanos > 0) {
            b.append('.');
            if (nanos % 1_000_000 == 0) {
                pad(b, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                pad(b, nanos / 1_000, 6);
            } else {
                pad(b, nanos, 9);
            }
        }
        return b.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return pad(b, v, 2);
    }

    private static StringBuilder pad(StringBuilder b, int v, int digits) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < digits; i++) {
            b.append('0');
        }
        return b.append(s);
    }
}
