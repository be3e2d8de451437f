package dev.sluice.tasks.sql.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Writes rows in PostgreSQL's {@code COPY ... FROM STDIN} text format, UTF-8 encoded: columns
 * separated by tabs, rows ended by newlines, {@code \N} for NULL, and backslash, tab, newline and
 * carriage return escaped in values. Values are never interpreted as SQL.
 */
public final class CopyEncoder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long MIN_YEAR_1_SECOND = -62135596800L;      // 0001-01-01T00:00:00Z
    private static final long MAX_YEAR_9999_SECOND = 253402300799L;   // 9999-12-31T23:59:59Z

    private byte[] buf;
    private int len;

    public CopyEncoder(int capacity) {
        this.buf = new byte[Math.max(capacity, 64)];
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return len;
    }

    public void reset() {
        len = 0;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public void tab() {
        ensure(1);
        buf[len++] = '\t';
    }

    public void endRow() {
        ensure(1);
        buf[len++] = '\n';
    }

    /** Writes one value; throws {@link IllegalArgumentException} for text PostgreSQL cannot store (NUL characters). */
    public void value(@Nullable Object v) {
        if (v == null) {
            ensure(2);
            buf[len++] = '\\';
            buf[len++] = 'N';
        } else if (v instanceof String s) {
            text(s);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            integer(((Number) v).longValue());
        } else if (v instanceof BigDecimal d) {
            ascii(d.toPlainString());
        } else if (v instanceof Instant i) {
            instant(i);
        } else if (v instanceof Boolean b) {
            ensure(1);
            buf[len++] = (byte) (b ? 't' : 'f');
        } else if (v instanceof Double || v instanceof Float) {
            ascii(v.toString());
        } else if (v instanceof OffsetDateTime || v instanceof LocalDate || v instanceof java.time.LocalDateTime
                || v instanceof java.time.LocalTime || v instanceof java.util.UUID || v instanceof java.math.BigInteger) {
            ascii(v.toString());
        } else if (v instanceof ZonedDateTime z) {
            ascii(z.toOffsetDateTime().toString());
        } else if (v instanceof byte[] bytes) {
            bytea(bytes);
        } else if (v instanceof Enum<?> e) {
            text(e.name());
        } else if (v instanceof Optional<?> o) {
            value(o.orElse(null));
        } else if (v instanceof java.sql.Timestamp ts) {
            ascii(ts.toLocalDateTime().toString());
        } else if (v instanceof java.sql.Date || v instanceof java.sql.Time) {
            ascii(v.toString());
        } else if (v instanceof Date d) {
            instant(d.toInstant());
        } else {
            text(v.toString());
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** Escapes and UTF-8-encodes {@code s}. */
    public void text(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        byte[] b = buf;
        int p = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> {
                        b[p++] = '\\';
                        b[p++] = '\\';
                    }
                    case '\t' -> {
                        b[p++] = '\\';
                        b[p++] = 't';
                    }
                    case '\n' -> {
                        b[p++] = '\\';
                        b[p++] = 'n';
                    }
                    case '\r' -> {
                        b[p++] = '\\';
                        b[p++] = 'r';
                    }
                    case 0 -> throw new IllegalArgumentException(
                            "text contains a NUL character (U+0000), which PostgreSQL cannot store");
                    default -> b[p++] = (byte) c;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                b[p++] = '?'; // a lone surrogate, as String.getBytes(UTF_8) does
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        len = p;
    }

    /** Writes a decimal integer. */
    public void integer(long v) {
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int end = len + digits;
        for (int p = end - 1; p >= len; p--) {
            buf[p] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len = end;
    }

    /** {@code yyyy-mm-dd hh:mm:ss[.fffffffff]+00}, which PostgreSQL reads for timestamptz (and timestamp). */
    public void instant(Instant instant) {
        long sec = instant.getEpochSecond();
        if (sec < MIN_YEAR_1_SECOND || sec > MAX_YEAR_9999_SECOND) {
            ascii(OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC).toString());
            return;
        }
        long day = Math.floorDiv(sec, 86_400L);
        int secOfDay = (int) Math.floorMod(sec, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        ensure(36);
        pad(date.getYear(), 4);
        buf[len++] = '-';
        pad(date.getMonthValue(), 2);
        buf[len++] = '-';
        pad(date.getDayOfMonth(), 2);
        buf[len++] = ' ';
        pad(secOfDay / 3600, 2);
        buf[len++] = ':';
        pad((secOfDay / 60) % 60, 2);
        buf[len++] = ':';
        pad(secOfDay % 60, 2);
        int nano = instant.getNano();
        if (nano != 0) {
            buf[len++] = '.';
            int digits = 9;
            while (nano % 10 == 0) {
                nano /= 10;
                digits--;
            }
            pad(nano, digits);
        }
        buf[len++] = '+';
        buf[len++] = '0';
        buf[len++] = '0';
    }

    private void pad(int v, int width) {
        for (int p = len + width - 1; p >= len; p--) {
            buf[p] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        len += width;
    }

    private void bytea(byte[] bytes) {
        ensure(3 + bytes.length * 2);
        buf[len++] = '\\';
        buf[len++] = '\\';
        buf[len++] = 'x';
        for (byte x : bytes) {
            buf[len++] = HEX[(x >> 4) & 0xF];
            buf[len++] = HEX[x & 0xF];
        }
    }
}
