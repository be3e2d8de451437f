package dev.sluice.block;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Names a {@link Block} type with a slug such as {@code "email-server-credentials"}: lowercase letters, digits and '-'. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BlockType {
    /** The slug. */
    String value();
}
