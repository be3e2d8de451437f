package dev.sluice.scheduler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A regular expression ({@link java.util.regex.Pattern} syntax) the whole value of a text record
 * component must match, in a {@link ParameterSchema}:
 *
 * <pre>{@code
 * record Extract(@Pattern("[A-Z]{3}") String currency) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Pattern {
    /** The expression; the whole value must match it. */
    String value();
}
