/**
 * Sluice's core API: {@link dev.sluice.Task tasks} and {@link dev.sluice.Flow flows} turn plain
 * Java code into tracked, retried, observable runs.
 *
 * <pre>{@code
 * Task<String, Integer> length = Task.of("length", (String s) -> s.length()).withRetries(2, Duration.ofSeconds(1));
 * Flow<String, Integer> flow = Flow.of("demo", (String s) -> length.run(s) * 2);
 * int result = flow.run("hello");
 * }</pre>
 */
@NullMarked
package dev.sluice;

import org.jspecify.annotations.NullMarked;
