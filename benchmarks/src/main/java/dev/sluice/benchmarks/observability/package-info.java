/** Benchmarks of sluice-micrometer and sluice-opentelemetry; figures in benchmarks/README.md. */
@NullMarked
package dev.sluice.benchmarks.observability;

import org.jspecify.annotations.NullMarked;
