package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Flow2;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.BlockStore;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentTest {
    enum Mode { FULL, DELTA }

    record Report(String city, LocalDate day, @Range(min = 1, max = 90) @Default("7") int days, @Default("FULL") Mode mode,
            Optional<String> note) {
    }

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private final List<Object> received = new CopyOnWriteArrayList<>();
    private final Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> {
        received.add(r);
        return r.days();
    }).withVersion("1.2");

    @TempDir
    Path home;
    private SluiceRuntime runtime;

    @BeforeEach
    void runtime() {
        runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory()).resultStore(ResultStore.inMemory())
                .withoutExtensions().build();
    }

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void defaultsComeFromTheFlow() {
        Deployment d = Deployment.of(report, Report.class);
        assertThat(d.name()).isEqualTo("daily-report");
        assertThat(d.version()).contains("1.2");
        assertThat(d.description()).isEmpty();
        assertThat(d.tags()).isEmpty();
        assertThat(d.parameters()).isEmpty();
        assertThat(d.parameterSchema()).isEqualTo(ParameterSchema.from(Report.class));
        assertThat(d.schedules()).isEmpty();
        assertThat(d.isPaused()).isFalse();
        assertThat(d.concurrencyLimit()).isEmpty();
        assertThat(d.catchUp()).isEqualTo(CatchUp.LATEST);
        assertThat(d.catchUpWindow()).isEmpty();
        assertThat(d.overlap()).isEqualTo(Overlap.ALLOW);
        assertThat(d.flow()).isSameAs(report);
    }

    @Test
    void withXReturnsCheckedCopies() {
        Deployment base = Deployment.of(report, Report.class);
        Schedule weekdays = Schedule.cron("0 6 * * MON-FRI", NEW_YORK);
        Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", NEW_YORK);
        Deployment d = base.withName("sales-report")
                .withVersion("2026.01")
                .withDescription("The sales report")
                .withTags("team:sales", "env:prod")
                .withParameters(Map.of("city", "Boston", "days", "30"))
                .withSchedules(weekdays)
                .withSchedule(weekends)
                .withPaused(true)
                .withConcurrencyLimit(2)
                .withCatchUp(CatchUp.ALL, Duration.ofHours(12))
                .withOverlap(Overlap.QUEUE_ONE);
        assertThat(d.name()).isEqualTo("sales-report");
        assertThat(d.version()).contains("2026.01");
        assertThat(d.description()).contains("The sales report");
        assertThat(d.tags()).containsExactly("team:sales", "env:prod");
        assertThat(d.parameters()).containsExactly(Map.entry("city", "Boston"), Map.entry("days", 30L));
        assertThat(d.schedules()).containsExactly(weekdays, weekends);
        assertThat(d.isPaused()).isTrue();
        assertThat(d.concurrencyLimit()).hasValue(2);
        assertThat(d.catchUp()).isEqualTo(CatchUp.ALL);
        assertThat(d.catchUpWindow()).contains(Duration.ofHours(12));
        assertThat(d.overlap()).isEqualTo(Overlap.QUEUE_ONE);
        assertThat(base.name()).as("the original is unchanged").isEqualTo("daily-report");
        assertThat(base.schedules()).isEmpty();
        assertThat(d.withoutConcurrencyLimit().concurrencyLimit()).isEmpty();
        assertThat(d.withCatchUp(CatchUp.NONE).catchUpWindow()).isEmpty();
        assertThat(d.toString()).isEqualTo("Deployment[name=sales-report, flow=daily-report, version=2026.01, schedules=["
                + "cron 0 6 * * MON-FRI in America/New_York, rrule FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9 in America/New_York], paused, "
                + "catchUp=ALL PT12H, overlap=QUEUE_ONE, concurrencyLimit=2]");
    }

    @Test
    void mistakesNameTheField() {
        Deployment d = Deployment.of(report, Report.class);
        assertThatThrownBy(() -> d.withName(" ")).hasMessage("name must not be null or blank, was ' '");
        assertThatThrownBy(() -> d.withName(" padded")).hasMessageStartingWith("name must be at most 200 characters");
        assertThatThrownBy(() -> d.withVersion("")).hasMessage("version must not be blank");
        assertThatThrownBy(() -> d.withTags("ok", " ")).hasMessage("tags must not be null or blank, got [ok,  ]");
        assertThatThrownBy(() -> d.withConcurrencyLimit(0)).hasMessage("concurrencyLimit must be >= 1, was 0");
        assertThatThrownBy(() -> d.withCatchUp(CatchUp.ALL)).hasMessageStartingWith("catchUp ALL needs a window");
        assertThatThrownBy(() -> d.withCatchUp(CatchUp.NONE, Duration.ofHours(1))).hasMessageStartingWith("catchUpWindow does not apply");
        assertThatThrownBy(() -> d.withCatchUp(CatchUp.LATEST, Duration.ZERO)).hasMessage("catchUpWindow must be positive, was PT0S");
        Schedule s = Schedule.cron("0 6 * * *", NEW_YORK);
        assertThatThrownBy(() -> d.withSchedules(s, Schedule.cron("0 6 * * *", "America/New_York")))
                .hasMessage("schedules: 'cron 0 6 * * * in America/New_York' appears twice");
        assertThatThrownBy(() -> d.withParameters(Map.of("days", 0, "town", "x")))
                .hasMessage("parameters: days: 0 is less than the minimum 1; town: unknown parameter; the parameters are city, day, days, mode, note");
        assertThatThrownBy(() -> d.withParameterSchema(ParameterSchema.of(Parameter.string("city"))))
                .hasMessage("parameterSchema must describe the parameters of flow 'daily-report', [city, day, days, mode, note], got [city]");
    }

    @Test
    void aDeclaredSchemaMustFitTheFlow() {
        Deployment d = Deployment.of(report, Report.class).withParameters(Map.of("days", 60));
        ParameterSchema declared = ParameterSchema.of(
                Parameter.string("city").withDescription("Where").withDefault("Boston"),
                Parameter.date("day"),
                Parameter.integer("days").withRange(1, 90).withDefault(7),
                Parameter.choice("mode", Mode.class).withDefault(Mode.FULL),
                Parameter.string("note").optional());
        assertThat(d.withParameterSchema(declared).parameterSchema()).isEqualTo(declared);
        assertThatThrownBy(() -> d.withParameterSchema(ParameterSchema.of(Parameter.string("city"), Parameter.string("day"),
                Parameter.integer("days"), Parameter.choice("mode", Mode.class), Parameter.string("note"))))
                .hasMessage("parameterSchema: parameter 'day' is STRING, but the flow's parameter is DATE");
        ParameterSchema narrower = ParameterSchema.of(Parameter.string("city"), Parameter.date("day"),
                Parameter.integer("days").withRange(1, 30), Parameter.choice("mode", Mode.class), Parameter.string("note").optional());
        assertThatThrownBy(() -> d.withParameterSchema(narrower))
                .hasMessage("parameterSchema does not accept the deployment's parameters: days: 60 is more than the maximum 30");
    }

    @Test
    void runsItsFlowFromJsonParameters() {
        Deployment d = Deployment.of(report, Report.class).withParameters(Map.of("city", "Boston"));
        FlowRun<?> run = runtime.call(() -> d.runForState(Map.of("day", "2026-01-31", "days", "30", "mode", "DELTA")));
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.result()).isEqualTo(30);
        assertThat(received).containsExactly(new Report("Boston", LocalDate.of(2026, 1, 31), 30, Mode.DELTA, Optional.empty()));
        assertThat(run.parameters()).containsEntry("city", "Boston").containsEntry("days", 30);

        // input overrides defaults; a null in the input counts as absent
        java.util.HashMap<String, Object> input = new java.util.HashMap<>();
        input.put("city", "Denver");
        input.put("day", LocalDate.of(2026, 2, 1));
        input.put("note", null);
        runtime.call(() -> d.runForState(input));
        assertThat(received).last().isEqualTo(new Report("Denver", LocalDate.of(2026, 2, 1), 7, Mode.FULL, Optional.empty()));
    }

    @Test
    void badParametersAreRefusedBeforeAnythingRuns() {
        Deployment d = Deployment.of(report, Report.class);
        assertThatThrownBy(() -> runtime.call(() -> d.runForState(Map.of("days", "many", "colour", "red"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessage("invalid parameters for deployment 'daily-report': city: required, but missing; day: required, but missing; "
                        + "days: expected a whole number, got 'many'; colour: unknown parameter; the parameters are city, day, days, mode, note");
        assertThat(received).isEmpty();
        assertThat(d.validate(Map.of("city", "X", "day", "2026-01-01")).isValid()).isTrue();
    }

    @Test
    void flowsOfScalarArguments() {
        Flow0<String> ping = Flow.of("ping", () -> "pong");
        Deployment p = Deployment.of(ping);
        assertThat(p.parameterSchema().isEmpty()).isTrue();
        assertThat(runtime.call(() -> p.runForState(Map.of())).result()).isEqualTo("pong");

        Flow<LocalDate, String> byDay = Flow.of("by-day", (LocalDate day) -> "day " + day).withParameterNames("day");
        Deployment one = Deployment.of(byDay, LocalDate.class);
        assertThat(one.parameterSchema().toJson()).isEqualTo("{\"type\":\"object\",\"properties\":{\"day\":{\"type\":\"string\","
                + "\"format\":\"date\"}},\"required\":[\"day\"],\"additionalProperties\":false}");
        assertThat(runtime.call(() -> one.runForState(Map.of("day", "2026-03-01"))).result()).isEqualTo("day 2026-03-01");

        Flow2<String, Integer, String> repeat = Flow.of("repeat", (String s, Integer n) -> s.repeat(n));
        Deployment two = Deployment.of(repeat, String.class, Integer.class);
        assertThat(two.parameterSchema().names()).containsExactly("arg0", "arg1");
        assertThat(runtime.call(() -> two.runForState(Map.of("arg0", "ab", "arg1", "3"))).result()).isEqualTo("ababab");
        assertThatThrownBy(() -> runtime.call(() -> two.runForState(Map.of("arg0", "ab", "arg1", 3_000_000_000L))))
                .hasMessageContaining("arg1: 3000000000 is more than the maximum 2147483647");

        Flow<List<String>, Integer> size = Flow.of("size", (List<String> l) -> l.size());
        @SuppressWarnings("unchecked")
        Class<List<String>> listType = (Class<List<String>>) (Class<?>) List.class;
        assertThatThrownBy(() -> Deployment.of(size, listType))
                .hasMessageStartingWith("flow 'size': parameter 'arg0' has type java.util.List, which a parameter schema cannot describe");
    }

    @Test
    void nextSlotsMergesItsSchedules() {
        Deployment d = Deployment.of(report, Report.class).withSchedules(
                Schedule.cron("0 9 * * *", NEW_YORK),
                Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", NEW_YORK),   // the same 09:00 on weekends: one slot
                Schedule.cron("0 18 * * SAT", NEW_YORK));
        assertThat(d.nextSlots(5, Instant.parse("2026-01-02T15:00:00Z")))    // Friday 10:00 EST
                .containsExactly(Instant.parse("2026-01-03T14:00:00Z"), Instant.parse("2026-01-03T23:00:00Z"),
                        Instant.parse("2026-01-04T14:00:00Z"), Instant.parse("2026-01-05T14:00:00Z"),
                        Instant.parse("2026-01-06T14:00:00Z"));
        assertThat(Deployment.of(report, Report.class).nextSlots(3, Instant.EPOCH)).isEmpty();
        // a deployment as stored checks its arguments as the deployment does, schedules or not
        DeploymentInfo stored = new DeploymentInfo("manual", "report", null, null, java.util.Set.of(), Map.of(),
                ParameterSchema.empty(), List.of(), false, 0, CatchUp.LATEST, null, Overlap.ALLOW, null, Instant.EPOCH);
        assertThatThrownBy(() -> stored.nextSlots(-1, Instant.EPOCH)).hasMessage("n must be between 0 and 100000, was -1");
        assertThatThrownBy(() -> Deployment.of(report, Report.class).nextSlots(-1, Instant.EPOCH))
                .hasMessage("n must be between 0 and 100000, was -1");
    }
}
