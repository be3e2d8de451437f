/** Benchmarks of the HTTP extract task against a hand-written {@code HttpClient} + Jackson loop. */
@NullMarked
package dev.sluice.benchmarks.http;

import org.jspecify.annotations.NullMarked;
