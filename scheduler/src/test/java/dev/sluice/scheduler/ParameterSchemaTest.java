package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ParameterSchemaTest {
    enum Mode { FULL, DELTA }

    record Report(
            @Pattern("[A-Z][a-z]+") @JsonPropertyDescription("the city to report on") String city,
            LocalDate day,
            @Range(min = 1, max = 90) @Default("7") int days,
            @Default("FULL") Mode mode,
            @Range(min = 0, max = 1) double sample,
            boolean dryRun,
            Instant since,
            LocalDateTime cutoff,
            Optional<String> note,
            @Nullable Long limit,
            @JsonProperty("team_name") @Default("sales") String team) {
    }

    private static final String REPORT_JSON = "{\"type\":\"object\",\"properties\":{"
            + "\"city\":{\"type\":\"string\",\"pattern\":\"^(?:[A-Z][a-z]+)$\",\"description\":\"the city to report on\"},"
            + "\"day\":{\"type\":\"string\",\"format\":\"date\"},"
            + "\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":90,\"default\":7},"
            + "\"mode\":{\"type\":\"string\",\"enum\":[\"FULL\",\"DELTA\"],\"default\":\"FULL\"},"
            + "\"sample\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1},"
            + "\"dryRun\":{\"type\":\"boolean\"},"
            + "\"since\":{\"type\":\"string\",\"format\":\"date-time\"},"
            + "\"cutoff\":{\"type\":\"string\",\"format\":\"local-date-time\"},"
            + "\"note\":{\"type\":\"string\"},"
            + "\"limit\":{\"type\":\"integer\",\"minimum\":-9223372036854775808,\"maximum\":9223372036854775807},"
            + "\"team_name\":{\"type\":\"string\",\"default\":\"sales\"}},"
            + "\"required\":[\"city\",\"day\",\"sample\",\"dryRun\",\"since\",\"cutoff\"],"
            + "\"additionalProperties\":false}";

    private static Map<String, Object> validInput() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("city", "Boston");
        in.put("day", "2026-01-31");
        in.put("sample", 0.25);
        in.put("dryRun", "true");
        in.put("since", "2026-01-01T01:00:00+01:00");
        in.put("cutoff", "2026-01-31T06:00");
        return in;
    }

    @Test
    void derivedFromARecord() {
        ParameterSchema schema = ParameterSchema.from(Report.class);
        assertThat(schema.names()).containsExactly("city", "day", "days", "mode", "sample", "dryRun", "since", "cutoff", "note",
                "limit", "team_name");
        Parameter city = schema.parameter("city").orElseThrow();
        assertThat(city.type()).isEqualTo(ParameterType.STRING);
        assertThat(city.isRequired()).isTrue();
        assertThat(city.pattern()).contains("[A-Z][a-z]+");
        assertThat(city.description()).contains("the city to report on");
        Parameter days = schema.parameter("days").orElseThrow();
        assertThat(days.type()).isEqualTo(ParameterType.INTEGER);
        assertThat(days.minimum()).contains(BigDecimal.ONE);
        assertThat(days.maximum()).contains(BigDecimal.valueOf(90));
        assertThat(days.defaultValue()).contains(7L);
        assertThat(days.isRequired()).isFalse();
        assertThat(schema.parameter("mode").orElseThrow().choices()).containsExactly("FULL", "DELTA");
        assertThat(schema.parameter("day").orElseThrow().type()).isEqualTo(ParameterType.DATE);
        assertThat(schema.parameter("cutoff").orElseThrow().type()).isEqualTo(ParameterType.DATE_TIME);
        assertThat(schema.parameter("since").orElseThrow().type()).isEqualTo(ParameterType.INSTANT);
        assertThat(schema.parameter("dryRun").orElseThrow().type()).isEqualTo(ParameterType.BOOLEAN);
        assertThat(schema.parameter("note").orElseThrow().isRequired()).as("Optional").isFalse();
        assertThat(schema.parameter("limit").orElseThrow().isRequired()).as("@Nullable").isFalse();
        assertThat(schema.parameter("team").isPresent()).as("named as Jackson names it").isFalse();
    }

    @Test
    void jsonIsJsonSchemaAndReadsBackEqual() {
        ParameterSchema schema = ParameterSchema.from(Report.class);
        assertThat(schema.toJson()).isEqualTo(REPORT_JSON);
        ParameterSchema back = ParameterSchema.parse(schema.toJson());
        assertThat(back).isEqualTo(schema).hasSameHashCodeAs(schema);
        assertThat(back.toJson()).isEqualTo(REPORT_JSON);
    }

    @Test
    void anotherProcessValidatesWithoutTheRecord() {
        ParameterSchema elsewhere = ParameterSchema.parse(REPORT_JSON);
        ParameterValidation v = elsewhere.validate(validInput());
        assertThat(v.errors()).isEmpty();
        assertThat(v.isValid()).isTrue();
        assertThat(v.values()).containsExactly(
                Map.entry("city", "Boston"),
                Map.entry("day", "2026-01-31"),
                Map.entry("days", 7L),
                Map.entry("mode", "FULL"),
                Map.entry("sample", new BigDecimal("0.25")),
                Map.entry("dryRun", true),
                Map.entry("since", "2026-01-01T00:00:00Z"),
                Map.entry("cutoff", "2026-01-31T06:00"),
                Map.entry("team_name", "sales"));
    }

    @Test
    void everyWrongFieldIsListed() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("city", "boston");
        in.put("day", "2026-02-30");
        in.put("days", 0);
        in.put("mode", "WEEKLY");
        in.put("sample", "lots");
        in.put("dryRun", "yes");
        in.put("since", "2026-01-01T00:00:00");
        in.put("cityy", "Boston");
        ParameterValidation v = ParameterSchema.from(Report.class).validate(in);
        assertThat(v.isValid()).isFalse();
        assertThat(v.errors()).extracting(ParameterError::toString).containsExactly(
                "city: 'boston' does not match the pattern [A-Z][a-z]+",
                "day: expected a date like 2026-01-31, got '2026-02-30'",
                "days: 0 is less than the minimum 1",
                "mode: 'WEEKLY' is not one of FULL, DELTA",
                "sample: expected a number, got 'lots'",
                "dryRun: expected true or false, got 'yes'",
                "since: expected an instant with an offset like 2026-01-31T06:00:00Z, got '2026-01-01T00:00:00'",
                "cutoff: required, but missing",
                "cityy: unknown parameter; the parameters are city, day, days, mode, sample, dryRun, since, cutoff, note, limit, team_name");
        assertThatThrownBy(v::requireValid)
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageStartingWith("invalid parameters: city: 'boston' does not match the pattern [A-Z][a-z]+; day: expected a date")
                .satisfies(e -> assertThat(((InvalidParametersException) e).errors()).hasSize(9));
    }

    @Test
    void typesAndBounds() {
        ParameterSchema schema = ParameterSchema.of(
                Parameter.integer("n").withRange(-5, 5),
                Parameter.integer("big").optional(),
                Parameter.number("x").withMinimum(0.5).optional());
        assertThat(schema.validate(Map.of("n", "5")).values()).containsEntry("n", 5L);
        assertThat(schema.validate(Map.of("n", 4.0)).values()).containsEntry("n", 4L);
        assertThat(schema.validate(Map.of("n", 2.5)).errors()).extracting(ParameterError::message)
                .containsExactly("expected a whole number, got 2.5");
        assertThat(schema.validate(Map.of("n", 6)).errors()).extracting(ParameterError::message)
                .containsExactly("6 is more than the maximum 5");
        assertThat(schema.validate(Map.of("n", 1, "big", "123456789012345678901234567890")).values())
                .containsEntry("big", new java.math.BigInteger("123456789012345678901234567890"));
        assertThat(schema.validate(Map.of("n", 1, "x", 0.4)).errors()).extracting(ParameterError::toString)
                .containsExactly("x: 0.4 is less than the minimum 0.5");
        assertThat(schema.validate(Map.of("n", 1, "x", "1e3")).values()).containsEntry("x", new BigDecimal("1000"));
        assertThat(schema.validate(Map.of("n", true)).errors()).extracting(ParameterError::message)
                .containsExactly("expected a whole number, got true");
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("n", 1);
        withNull.put("x", null);
        assertThat(schema.validate(withNull).values()).containsOnlyKeys("n");
    }

    @Test
    void convertsValidInputToTheRecord() {
        Report r = ParameterSchema.from(Report.class).convert(validInput(), Report.class);
        assertThat(r).isEqualTo(new Report("Boston", LocalDate.of(2026, 1, 31), 7, Mode.FULL, 0.25, true,
                Instant.parse("2026-01-01T00:00:00Z"), LocalDateTime.of(2026, 1, 31, 6, 0), Optional.empty(), null, "sales"));
        Map<String, Object> more = validInput();
        more.put("note", "rerun");
        more.put("limit", 10);
        more.put("days", "30");
        more.put("mode", Mode.DELTA);
        more.put("team_name", "ops");
        Report r2 = ParameterSchema.from(Report.class).convert(more, Report.class);
        assertThat(r2.note()).contains("rerun");
        assertThat(r2.limit()).isEqualTo(10L);
        assertThat(r2.days()).isEqualTo(30);
        assertThat(r2.mode()).isEqualTo(Mode.DELTA);
        assertThat(r2.team()).isEqualTo("ops");
        assertThatThrownBy(() -> ParameterSchema.from(Report.class).convert(Map.of("city", "Boston"), Report.class))
                .isInstanceOf(InvalidParametersException.class).hasMessageContaining("day: required, but missing");
    }

    @Test
    void declaredWithBuilders() {
        ParameterSchema schema = ParameterSchema.of(
                Parameter.string("city").withPattern("[A-Z][a-z]+").withDescription("where"),
                Parameter.date("day"),
                Parameter.integer("days").withRange(1, 90).withDefault("7"),
                Parameter.choice("mode", Mode.class).withDefault(Mode.DELTA),
                Parameter.bool("dryRun").withDefault(false),
                Parameter.instant("since").optional(),
                Parameter.dateTime("cutoff").withDefault(LocalDateTime.of(2026, 1, 1, 6, 0)),
                Parameter.number("ratio").withDefault(new BigDecimal("0.50")));
        assertThat(ParameterSchema.parse(schema.toJson())).isEqualTo(schema);
        assertThat(schema.validate(Map.of("city", "Berlin", "day", LocalDate.of(2026, 2, 1))).values()).containsExactly(
                Map.entry("city", "Berlin"), Map.entry("day", "2026-02-01"), Map.entry("days", 7L), Map.entry("mode", "DELTA"),
                Map.entry("dryRun", false), Map.entry("cutoff", "2026-01-01T06:00"), Map.entry("ratio", new BigDecimal("0.5")));
        assertThat(schema.parameter("ratio").orElseThrow().toString()).isEqualTo("ratio: NUMBER = 0.5");
        assertThat(ParameterSchema.empty().validate(Map.of("x", 1)).errors()).extracting(ParameterError::toString)
                .containsExactly("x: unknown parameter; there are no parameters");
    }

    @Test
    void jsonSchemaFromElsewhereIsRead() {
        ParameterSchema s = ParameterSchema.parse("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                + "\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"[0-9]+\",\"title\":\"Code\"},"
                + "\"n\":{\"type\":\"integer\",\"default\":3}},\"required\":[\"code\"]}");
        assertThat(s.validate(Map.of("code", "ab12cd")).isValid()).as("JSON Schema patterns search").isTrue();
        assertThat(s.validate(Map.of("code", "abc")).isValid()).isFalse();
        assertThat(s.validate(Map.of("code", "1")).values()).containsEntry("n", 3L);
    }

    record NotSupported(List<String> cities) {
    }

    record BadDefault(@Range(min = 1, max = 10) @Default("0") int n) {
    }

    record BadPattern(@Pattern("[a-") String s) {
    }

    record RangeOnText(@Range(min = 1) String s) {
    }

    record NullablePrimitive(@Nullable @Default("x") String ok, Optional<Integer> fine) {
    }

    @Test
    void mistakesInTheRecordAreNamed() {
        assertThatThrownBy(() -> ParameterSchema.from(String.class)).hasMessageStartingWith("java.lang.String is not a record");
        assertThatThrownBy(() -> ParameterSchema.from(NotSupported.class))
                .hasMessageContaining("NotSupported: parameter 'cities' has type java.util.List<java.lang.String>, which a parameter schema cannot describe");
        assertThatThrownBy(() -> ParameterSchema.from(BadDefault.class))
                .hasMessageEndingWith("BadDefault: parameter 'n': default 0 is less than the minimum 1");
        assertThatThrownBy(() -> ParameterSchema.from(BadPattern.class))
                .hasMessageContaining("BadPattern: parameter 's': pattern '[a-' is not a regular expression");
        assertThatThrownBy(() -> ParameterSchema.from(RangeOnText.class))
                .hasMessageEndingWith("RangeOnText: parameter 's': @Range applies to numbers, not String");
        assertThat(ParameterSchema.from(NullablePrimitive.class).parameters()).allMatch(p -> !p.isRequired());
    }

    @Test
    void mistakesInDeclarationsAreNamed() {
        assertThatThrownBy(() -> Parameter.string(" ")).hasMessage("parameter name must not be null or blank, was ' '");
        assertThatThrownBy(() -> Parameter.string("s").withRange(1, 2))
                .hasMessage("parameter 's': a minimum applies to INTEGER and NUMBER parameters, not STRING");
        assertThatThrownBy(() -> Parameter.integer("n").withRange(5, 1)).hasMessage("parameter 'n': minimum 5 is more than maximum 1");
        assertThatThrownBy(() -> Parameter.integer("n").withDefault(0).withMinimum(1))
                .hasMessage("parameter 'n': default 0 is less than the minimum 1");
        assertThatThrownBy(() -> Parameter.choice("c")).hasMessage("parameter 'c': choices must not be empty");
        assertThatThrownBy(() -> Parameter.choice("c", "a", "a")).hasMessage("parameter 'c': choices must be distinct and not blank, got [a, a]");
        assertThatThrownBy(() -> Parameter.date("d").withDefault("tomorrow"))
                .hasMessage("parameter 'd': default expected a date like 2026-01-31, got 'tomorrow'");
        assertThatThrownBy(() -> ParameterSchema.of(Parameter.string("a"), Parameter.integer("a")))
                .hasMessage("parameter names must be distinct; 'a' appears twice");
        assertThatThrownBy(() -> ParameterSchema.parse("[1]")).hasMessage("parameter schema must be a JSON object, was ARRAY");
        assertThatThrownBy(() -> ParameterSchema.parse("{\"properties\":{\"xs\":{\"type\":\"array\"}}}"))
                .hasMessageStartingWith("parameter schema, property 'xs': type 'array' is not one parameters take");
        assertThatThrownBy(() -> ParameterSchema.parse("{oops")).hasMessageStartingWith("parameter schema is not JSON");
    }

    /** The record of ParameterSchema's Javadoc example. */
    record JavadocReport(@Pattern("[A-Z][a-z]+") String city, LocalDate day, @Range(min = 1, max = 90) @Default("7") int days,
            @Default("FULL") Mode mode, Optional<String> note) {
    }

    @Test
    void theJavadocExamplesGiveWhatTheySay() {
        ParameterSchema schema = ParameterSchema.from(JavadocReport.class);
        ParameterValidation elsewhere = ParameterSchema.parse(schema.toJson()).validate(Map.of("city", "Boston", "day", "2026-01-31"));
        assertThat(elsewhere.values()).hasToString("{city=Boston, day=2026-01-31, days=7, mode=FULL}");
        // ParameterValidation's example
        ParameterValidation v = schema.validate(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"));
        assertThat(v.isValid()).isTrue();
        assertThat(v.values()).hasToString("{city=Boston, day=2026-01-31, days=30, mode=FULL}");
        assertThat(schema.convert(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"), JavadocReport.class))
                .isEqualTo(new JavadocReport("Boston", LocalDate.of(2026, 1, 31), 30, Mode.FULL, Optional.empty()));
    }
}
