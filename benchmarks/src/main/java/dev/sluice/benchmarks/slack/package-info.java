/** Slack benchmarks: the chat task against the bare Slack SDK call. */
@NullMarked
package dev.sluice.benchmarks.slack;

import org.jspecify.annotations.NullMarked;
