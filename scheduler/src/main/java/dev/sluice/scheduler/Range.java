package dev.sluice.scheduler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds (inclusive) of a numeric record component in a {@link ParameterSchema}:
 *
 * <pre>{@code
 * record Load(@Range(min = 1, max = 10_000) int batchSize, @Range(min = 0, max = 1) double sample) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Range {
    /** The smallest value allowed; none by default. */
    double min() default Double.NEGATIVE_INFINITY;

    /** The largest value allowed; none by default. */
    double max() default Double.POSITIVE_INFINITY;
}
