package dev.sluice.scheduler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a record component takes when input leaves it out, written as it would be in JSON
 * input ({@code "7"}, {@code "true"}, {@code "2026-01-31"}, an enum constant's name). A component
 * with a default is not required. Checked when the schema is derived.
 *
 * <pre>{@code
 * record Report(String city, @Default("7") int days, @Default("FULL") Mode mode) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    /** The default, in its JSON text form. */
    String value();
}
