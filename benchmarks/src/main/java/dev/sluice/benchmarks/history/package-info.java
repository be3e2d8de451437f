/** Benchmarks of the run history (issue 15): recording overhead, ingest, queries, retention; figures in benchmarks/README.md. */
@NullMarked
package dev.sluice.benchmarks.history;

import org.jspecify.annotations.NullMarked;
