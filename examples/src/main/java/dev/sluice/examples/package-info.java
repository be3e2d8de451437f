/** Runnable example pipelines; the README quotes them. */
@NullMarked
package dev.sluice.examples;

import org.jspecify.annotations.NullMarked;
