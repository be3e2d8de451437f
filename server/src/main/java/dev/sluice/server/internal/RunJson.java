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
        g.writeStringField(field, t == null ? null : t.toString());
    }
}
