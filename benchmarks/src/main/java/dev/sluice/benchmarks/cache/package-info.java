/** Benchmarks of the cache engine; figures in benchmarks/README.md. */
@NullMarked
package dev.sluice.benchmarks.cache;

import org.jspecify.annotations.NullMarked;
