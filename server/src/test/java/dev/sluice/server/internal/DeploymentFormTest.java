package dev.sluice.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.ParameterSchema;
import dev.sluice.scheduler.Schedule;
import dev.sluice.server.internal.Views.FormField;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a stored parameter schema becomes a run form, without a server. */
class DeploymentFormTest {
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    static DeploymentInfo info(ParameterSchema schema, Map<String, Object> defaults) {
        return new DeploymentInfo("load/eu west", "load", null, null, Set.of(), defaults, schema,
                List.of(Schedule.interval(Duration.ofMinutes(15))), false, 0, CatchUp.NONE, null, Overlap.ALLOW, null, NOW);
    }

    @Test
    void everyParameterTypeHasItsInputAndTheDeploymentsDefaultsComeFirst() {
        ParameterSchema schema = ParameterSchema.of(
                Parameter.string("code").withPattern("[a-z]+").withDescription("the code"),
                Parameter.number("ratio").withRange(0, 1).withDefault(0.5),
                Parameter.integer("batch").withMinimum(1),
                Parameter.dateTime("at").optional(),
                Parameter.instant("cutoff").optional(),
                Parameter.choice("mode", "full", "delta").optional(),
                Parameter.choice("size", "s", "m").withDefault("m"),
                Parameter.bool("dry").withDefault(true),
                Parameter.date("day"));
        List<FormField> fields = DeploymentRoutes.fields(info(schema, Map.of("batch", 10)), null, Map.of());
        assertThat(fields).extracting(FormField::name).containsExactly("p.code", "p.ratio", "p.batch", "p.at", "p.cutoff",
                "p.mode", "p.size", "p.dry", "p.day");
        assertThat(fields).extracting(FormField::kind).containsExactly("text", "number", "number", "datetime-local", "text",
                "select", "select", "checkbox", "date");
        FormField code = fields.get(0);
        assertThat(code.required()).isTrue();
        assertThat(code.help()).contains("the code").contains("matching [a-z]+");
        FormField ratio = fields.get(1);
        assertThat(ratio.value()).isEqualTo("0.5");
        assertThat(ratio.min()).isEqualTo("0");
        assertThat(ratio.max()).isEqualTo("1");
        assertThat(ratio.step()).isEqualTo("any");
        assertThat(ratio.help()).contains("from 0 to 1");
        FormField batch = fields.get(2);
        assertThat(batch.value()).isEqualTo("10");
        assertThat(batch.required()).as("the deployment gives a default").isFalse();
        assertThat(batch.step()).isEqualTo("1");
        assertThat(fields.get(4).placeholder()).isEqualTo("2026-01-31T06:00:00Z");
        assertThat(fields.get(5).blank()).isTrue();
        assertThat(fields.get(5).choices()).containsExactly("full", "delta");
        assertThat(fields.get(6).blank()).isFalse();
        assertThat(fields.get(6).value()).isEqualTo("m");
        assertThat(fields.get(7).value()).isEqualTo("true");
        assertThat(fields.get(8).required()).isTrue();
        assertThat(fields).extracting(FormField::error).containsOnlyNulls();
    }

    @Test
    void afterAnErrorTheFormHoldsTheValuesEnteredAndEachMessage() {
        ParameterSchema schema = ParameterSchema.of(Parameter.integer("days").withRange(1, 90).withDefault(7),
                Parameter.bool("dry").withDefault(true));
        List<FormField> fields = DeploymentRoutes.fields(info(schema, Map.of()), Map.of("days", "500", "dry", "false"),
                Map.of("days", "500 is more than the maximum 90"));
        assertThat(fields.get(0).value()).isEqualTo("500");
        assertThat(fields.get(0).error()).isEqualTo("500 is more than the maximum 90");
        assertThat(fields.get(1).value()).isEqualTo("false");
        assertThat(fields.get(1).error()).isNull();
    }

    @Test
    void backfillTimesAreUtcLocalTimesOrInstantsAndNamesAreEscapedInPaths() {
        assertThat(DeploymentRoutes.time("from", "2026-01-31T06:00")).isEqualTo(Instant.parse("2026-01-31T06:00:00Z"));
        assertThat(DeploymentRoutes.time("from", "2026-01-31T06:00:00+01:00")).isEqualTo(Instant.parse("2026-01-31T05:00:00Z"));
        assertThatThrownBy(() -> DeploymentRoutes.time("to", "tomorrow")).hasMessageContaining("to must be a time");
        assertThatThrownBy(() -> DeploymentRoutes.time("to", " ")).hasMessageContaining("to is required");
        assertThat(DeploymentRoutes.href("load/eu west <1>")).isEqualTo("/deployments/load%2Feu%20west%20%3C1%3E");
        assertThat(DeploymentRoutes.row(info(ParameterSchema.empty(), Map.of()), null, NOW).nextRuns()).hasSize(5);
    }
}
