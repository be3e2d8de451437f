/** Functional interfaces for task and flow bodies that may throw checked exceptions. */
@NullMarked
package dev.sluice.function;

import org.jspecify.annotations.NullMarked;
