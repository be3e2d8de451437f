package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Flow;
import dev.sluice.history.HistoryDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A number written with a huge exponent ({@code 1e999999999}: 11 characters of text, as a form, the CLI's
 * {@code -p} or a JSON string sends it) is wrong input like any other: named in an {@link InvalidParametersException}
 * at once, never an {@code ArithmeticException} or a billion-digit expansion that hangs the caller.
 */
@Timeout(20)
class HugeNumberParametersTest {
    record Measure(String city, double ratio, @Range(min = 0, max = 1) double share, BigDecimal amount, BigInteger big,
            @Default("7") int days) {
    }

    static final Flow<Measure, String> MEASURE = Flow.of("measure", (Measure m) -> m.toString());

    static Map<String, Object> valid() {
        return new java.util.HashMap<>(Map.of("city", "Oslo", "ratio", "0.5", "share", "0.25", "amount", "12.50", "big", "1"));
    }

    @Test
    void aHugeOrTinyExponentIsAWrongFieldNamedLikeAnyOther() {
        ParameterSchema schema = ParameterSchema.from(Measure.class);
        for (String huge : new String[] {"1e999999999", "-1e999999999", "1e-999999999", "-1E-999999999", "9e2147483647"}) {
            Map<String, Object> input = valid();
            input.put("ratio", huge);
            input.put("share", huge);
            input.put("amount", huge);
            input.put("big", huge);
            input.put("days", huge);
            ParameterValidation v = schema.validate(input);
            assertThat(v.errors()).as(huge).extracting(ParameterError::parameter)
                    .containsExactly("ratio", "share", "amount", "big", "days");
            assertThat(v.errors()).as(huge).allSatisfy(e -> assertThat(e.message()).contains(huge).hasSizeLessThan(200));
        }
        // the same numbers as a JSON number reaches the schema (a BigDecimal, not text): named the same way, never an
        // ArithmeticException from writing the message, nor a hundred-million-digit expansion that hangs the caller
        for (String huge : new String[] {"1e999999999", "-1e999999999", "1e99999999", "1e-999999999", "9e2147483647"}) {
            Map<String, Object> input = valid();
            for (String field : new String[] {"ratio", "share", "amount", "big", "days"}) {
                input.put(field, new BigDecimal(huge));
            }
            ParameterValidation v = schema.validate(input);
            assertThat(v.errors()).as(huge).extracting(ParameterError::parameter)
                    .containsExactly("ratio", "share", "amount", "big", "days");
            assertThat(v.errors()).as(huge).allSatisfy(e -> assertThat(e.message())
                    .contains(new BigDecimal(huge).toString(), "out of range").hasSizeLessThan(200));
        }
        Map<String, Object> fine = valid();
        fine.put("amount", "1e400");
        fine.put("big", "-1e400");
        assertThat(schema.validate(fine).errors()).isEmpty();
    }

    record Floats(double ratio, Float small) {
    }

    static final Flow<Floats, String> FLOATS = Flow.of("floats", (Floats f) -> f.ratio() + " " + f.small());

    /** A double or float is bounded by its Java range, as an int is: 1e400 is refused, never run as Infinity. */
    @Test
    void aDoubleOrFloatBeyondItsRangeIsRefusedNotRunAsInfinity() {
        Deployment d = Deployment.of(FLOATS, Floats.class);
        ParameterValidation v = d.validate(Map.of("ratio", "1e400", "small", "-1e39"));
        assertThat(v.errors()).extracting(ParameterError::parameter).containsExactly("ratio", "small");
        assertThat(v.errors()).allSatisfy(e -> assertThat(e.message()).hasSizeLessThan(120));
        assertThat(v.errors().get(0).message()).isEqualTo("1E+400 is more than the maximum 1.7976931348623157E+308");
        assertThatThrownBy(() -> d.runForState(Map.of("ratio", "1e400", "small", "1"))).isInstanceOf(InvalidParametersException.class);
        assertThat(ParameterSchema.parse(d.parameterSchema().toJson()).validate(Map.of("ratio", "1e400", "small", "1")).errors())
                .as("another process, from the stored schema").hasSize(1);
        assertThat(d.runForState(Map.of("ratio", Double.MAX_VALUE, "small", Float.MAX_VALUE)).result())
                .isEqualTo(Double.MAX_VALUE + " " + Float.MAX_VALUE);
        assertThat(d.runForState(Map.of("ratio", "-2.5", "small", "0.125")).result()).isEqualTo("-2.5 0.125");
    }

    @Test
    void aTriggerWithOneIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker w = Worker.builder(db).pollingInterval(Duration.ofMillis(20)).deployments(Deployment.of(MEASURE, Measure.class))
                .start()) {
            Map<String, Object> input = valid();
            input.put("ratio", "1e999999999");
            assertThatThrownBy(() -> w.client().trigger("measure", input)).isInstanceOf(InvalidParametersException.class)
                    .hasMessageContaining("ratio: ").hasMessageContaining("1e999999999");
            assertThat(w.client().runs("measure", 10)).isEmpty();
        }
    }
}
