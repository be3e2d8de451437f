/**
 * The {@code sluice} command line: {@link dev.sluice.cli.SluiceCli}.
 */
@NullMarked
package dev.sluice.cli;

import org.jspecify.annotations.NullMarked;
