/** Benchmarks of sluice-scheduler: firing lag, run throughput, start-up with many deployments (issue 16). */
@NullMarked
package dev.sluice.benchmarks.scheduler;

import org.jspecify.annotations.NullMarked;
