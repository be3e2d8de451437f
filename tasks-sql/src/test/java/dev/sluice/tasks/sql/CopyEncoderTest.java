package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.tasks.sql.internal.CopyEncoder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CopyEncoderTest {
    private static String encode(Object... values) {
        CopyEncoder enc = new CopyEncoder(8);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                enc.tab();
            }
            enc.value(values[i]);
        }
        enc.endRow();
        return new String(enc.buffer(), 0, enc.length(), StandardCharsets.UTF_8);
    }

    @Test
    void escapesTheCharactersCopyTreatsSpecially() {
        assertThat(encode("a\tb", "c\nd", "e\rf", "g\\h", null, "\\N"))
                .isEqualTo("a\\tb\tc\\nd\te\\rf\tg\\\\h\t\\N\t\\\\N\n");
    }

    @Test
    void encodesUnicodeAsUtf8() {
        String s = "äö 日本 \uD83D\uDE00 \u2028";
        assertThat(encode(s)).isEqualTo(s + "\n");
        assertThat(encode("lone \uD800 surrogate")).isEqualTo("lone ? surrogate\n");
    }

    @Test
    void formatsNumbersTimesAndOtherTypes() {
        assertThat(encode(0L, -42, Long.MIN_VALUE, Long.MAX_VALUE, new BigDecimal("1E+3"), new BigDecimal("-0.50")))
                .isEqualTo("0\t-42\t-9223372036854775808\t9223372036854775807\t1000\t-0.50\n");
        assertThat(encode(Instant.parse("2026-01-02T03:04:05Z"), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("2026-01-02T03:04:05.000001200Z")))
                .isEqualTo("2026-01-02 03:04:05+00\t1969-12-31 23:59:59.5+00\t2026-01-02 03:04:05.0000012+00\n");
        assertThat(encode(true, false, new byte[] {0, (byte) 0xff, 0x10}, UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("t\tf\t\\\\x00ff10\t00000000-0000-0000-0000-000000000001\n");
    }

    @Test
    void refusesNulCharacters() {
        assertThatThrownBy(() -> encode("a\u0000b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NUL character");
    }
}
