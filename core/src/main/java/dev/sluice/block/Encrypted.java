package dev.sluice.block;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component of a {@link Block} that is not a {@link Secret} but may hold one (a JDBC
 * URL with {@code password=} in it, driver properties such as {@code sslpassword}): stores keep it
 * as they keep a secret (the file store encrypts it with the master key), so it is never written in
 * plain text. The Java value stays what it is; mask what it shows yourself (for instance by
 * revealing the password part with {@code Secret.of(part).reveal()}).
 *
 * <pre>{@code
 * @BlockType("warehouse-connection")
 * public record WarehouseConnection(@Encrypted String jdbcUrl, String username, Secret password) implements Block {}
 * }</pre>
 *
 * <p>(sluice-tasks-sql's {@code DatabaseCredentials} marks its {@code jdbcUrl} so.)
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Encrypted {
}
