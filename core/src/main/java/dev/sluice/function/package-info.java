/**
 * Functional interfaces for task and flow bodies that may throw checked exceptions.
 *
 * <p>The bodies that return a value are {@link java.io.Serializable}, so that the library can read the
 * result type a lambda or method reference was compiled with (Java erases it otherwise) and refuse a
 * cached value of another type as a miss. Nothing is ever serialized with Java serialization; a
 * lambda may capture any value.
 */
@NullMarked
package dev.sluice.function;

import org.jspecify.annotations.NullMarked;
