/** Implementation of the {@code sluice} command: picocli commands, tables, JSON output. Not API. */
@NullMarked
package dev.sluice.cli.internal;

import org.jspecify.annotations.NullMarked;
