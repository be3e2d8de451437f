/** Benchmarks of the core engine; figures in benchmarks/README.md. */
@NullMarked
package dev.sluice.benchmarks.core;

import org.jspecify.annotations.NullMarked;
