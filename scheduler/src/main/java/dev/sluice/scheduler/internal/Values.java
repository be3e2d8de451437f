package dev.sluice.scheduler.internal;

import dev.sluice.scheduler.ParameterType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Checks one input value against a parameter's type and constraints and gives its canonical JSON
 * form: text; {@code Long} (or {@code BigInteger} past its range) for integers; a {@code BigDecimal}
 * for numbers; {@code Boolean}; ISO-8601 text for dates and instants; the name for choices. Text is
 * accepted for every type, in its JSON text form, as forms and command lines send it.
 */
public final class Values {
    private Values() {
    }

    /** A canonical value, or the reason the input is wrong. */
    public sealed interface Checked permits Ok, Wrong {
    }

    /** A valid input, canonical. */
    public record Ok(Object value) implements Checked {
    }

    /** An invalid input, with the message. */
    public record Wrong(String message) implements Checked {
    }

    /** Checks {@code value} (never null) against a parameter of {@code type} and these constraints. */
    public static Checked check(Object value, ParameterType type, @Nullable BigDecimal min, @Nullable BigDecimal max,
            java.util.regex.@Nullable Pattern pattern, List<String> choices) {
        Checked typed = typed(value, type, choices);
        if (!(typed instanceof Ok ok)) {
            return typed;
        }
        Object v = ok.value();
        if (type == ParameterType.INTEGER || type == ParameterType.NUMBER) {
            BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v instanceof BigInteger i ? i : BigInteger.valueOf((Long) v));
            if (min != null && d.compareTo(min) < 0) {
                return new Wrong(plain(d) + " is less than the minimum " + plain(min));
            }
            if (max != null && d.compareTo(max) > 0) {
                return new Wrong(plain(d) + " is more than the maximum " + plain(max));
            }
        }
        if (pattern != null && type == ParameterType.STRING && !pattern.matcher((String) v).matches()) {
            return new Wrong(show(v) + " does not match the pattern " + pattern.pattern());
        }
        return typed;
    }

    private static Checked typed(Object value, ParameterType type, List<String> choices) {
        return switch (type) {
            case STRING -> value instanceof CharSequence s ? text(s.toString()) : expected("text", value);
            case INTEGER -> integer(value);
            case NUMBER -> number(value);
            case BOOLEAN -> bool(value);
            case DATE -> date(value);
            case DATE_TIME -> dateTime(value);
            case INSTANT -> instant(value);
            case CHOICE -> choice(value, choices);
        };
    }

    /**
     * The most digits a number may have before, and after, its decimal point: {@code 1e999999999} is 11 characters
     * of text, but its billion digits would overflow or hang whatever expands it (canonical form, bounds, messages).
     */
    static final int MAX_DIGITS = 1_000;

    private static @Nullable Wrong outOfReach(Object value, BigDecimal d) {
        if (d.signum() == 0) {
            return null;
        }
        long before = (long) d.precision() - d.scale();
        long after = (long) d.stripTrailingZeros().scale();
        return before > MAX_DIGITS || after > MAX_DIGITS
                ? new Wrong(show(value) + " is out of range: a number has at most " + MAX_DIGITS
                        + " digits before and after its decimal point")
                : null;
    }

    /** Text, unless it holds half of a UTF-16 pair: that has no UTF-8 form, and the database would store it as '?'. */
    private static Checked text(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return new Wrong("is not valid Unicode text: a lone surrogate (\\u" + Integer.toHexString(c).toUpperCase(Locale.ROOT)
                        + ") at character " + i);
            }
        }
        return new Ok(s);
    }

    private static Checked integer(Object value) {
        BigInteger i = null;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            i = BigInteger.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            i = b;
        } else if (value instanceof Number || value instanceof CharSequence) {
            BigDecimal d = decimal(value);
            Wrong far = d == null ? null : outOfReach(value, d);
            if (far != null) {
                return far;
            }
            if (d != null) {
                try {
                    i = d.toBigIntegerExact();
                } catch (ArithmeticException e) {
                    return expected("a whole number", value);
                }
            }
        }
        if (i == null) {
            return expected("a whole number", value);
        }
        return new Ok(i.bitLength() < 64 ? (Object) i.longValue() : i);
    }

    private static Checked number(Object value) {
        BigDecimal d = value instanceof Number || value instanceof CharSequence ? decimal(value) : null;
        if (d == null) {
            return expected("a number", value);
        }
        Wrong far = outOfReach(value, d);
        return far != null ? far : new Ok(canonical(d));
    }

    private static @Nullable BigDecimal decimal(Object value) {
        try {
            if (value instanceof BigDecimal b) {
                return b;
            }
            if (value instanceof BigInteger b) {
                return new BigDecimal(b);
            }
            if (value instanceof Double || value instanceof Float) {
                double d = ((Number) value).doubleValue();
                return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
            }
            if (value instanceof Number n) {
                return BigDecimal.valueOf(n.longValue());
            }
            String text = value.toString().trim();
            return text.isEmpty() || text.length() > 400 ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A decimal without trailing zeros and with a scale of at least 0: 1.50 → 1.5, 1E+2 → 100. */
    public static BigDecimal canonical(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    private static Checked bool(Object value) {
        if (value instanceof Boolean b) {
            return new Ok(b);
        }
        if (value instanceof CharSequence s) {
            String t = s.toString().trim().toLowerCase(Locale.ROOT);
            if (t.equals("true") || t.equals("false")) {
                return new Ok(Boolean.valueOf(t));
            }
        }
        return expected("true or false", value);
    }

    private static Checked date(Object value) {
        if (value instanceof LocalDate d) {
            return new Ok(d.toString());
        }
        if (value instanceof CharSequence s) {
            try {
                return new Ok(LocalDate.parse(s.toString().trim()).toString());
            } catch (DateTimeException e) {
                // fall through
            }
        }
        return expected("a date like 2026-01-31", value);
    }

    private static Checked dateTime(Object value) {
        if (value instanceof LocalDateTime d) {
            return new Ok(d.toString());
        }
        if (value instanceof CharSequence s) {
            try {
                return new Ok(LocalDateTime.parse(s.toString().trim()).toString());
            } catch (DateTimeException e) {
                // fall through
            }
        }
        return expected("a date and time like 2026-01-31T06:00", value);
    }

    private static Checked instant(Object value) {
        if (value instanceof Instant i) {
            return new Ok(i.toString());
        }
        if (value instanceof OffsetDateTime o) {
            return new Ok(o.toInstant().toString());
        }
        if (value instanceof ZonedDateTime z) {
            return new Ok(z.toInstant().toString());
        }
        if (value instanceof CharSequence s) {
            try {
                return new Ok(OffsetDateTime.parse(s.toString().trim()).toInstant().toString());
            } catch (DateTimeException e) {
                // fall through
            }
        }
        return expected("an instant with an offset like 2026-01-31T06:00:00Z", value);
    }

    private static Checked choice(Object value, List<String> choices) {
        String name = value instanceof Enum<?> e ? e.name() : value instanceof CharSequence s ? s.toString() : null;
        if (name == null) {
            return expected("one of " + String.join(", ", choices), value);
        }
        if (!choices.contains(name)) {
            return new Wrong(show(name) + " is not one of " + String.join(", ", choices));
        }
        return new Ok(name);
    }

    private static Wrong expected(String what, Object value) {
        return new Wrong("expected " + what + ", got " + show(value));
    }

    /** An input value for a message: text quoted and cut at 60 characters, numbers and booleans as they are. */
    public static String show(Object value) {
        if (value instanceof Number || value instanceof Boolean) {
            return value instanceof BigDecimal b ? plain(b) : value.toString();
        }
        String text = value instanceof CharSequence s ? s.toString() : value.toString();
        if (text.length() > 60) {
            text = text.substring(0, 57) + "...";
        }
        String quoted = "'" + text + "'";
        return value instanceof CharSequence ? quoted : quoted + " (" + value.getClass().getSimpleName() + ")";
    }

    /**
     * A decimal without exponent: 1E+3 → 1000; one of more than 40 characters so (a double's bound, 309 digits) keeps
     * its exponent: 1.7976931348623157E+308.
     */
    public static String plain(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        if ((long) stripped.precision() - stripped.scale() > 40 || stripped.scale() > 40) {
            // more than 40 digits before or after the point: written plain it would be cut, so never expand it (1e999999999
            // as a JSON number, a BigDecimal, overflowed here, and 1e99999999 took its hundred million digits' time)
            return stripped.toString();
        }
        String plain = canonical(d).toPlainString();
        return plain.length() <= 40 ? plain : d.stripTrailingZeros().toString();
    }
}
