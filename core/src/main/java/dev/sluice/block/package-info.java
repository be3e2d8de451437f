/**
 * Blocks: named, typed configuration and credentials. A {@link dev.sluice.block.Block} is a record
 * annotated with {@link dev.sluice.block.BlockType}, saved once with {@link dev.sluice.block.Blocks#save}
 * and loaded by name with {@link dev.sluice.block.Blocks#load(Class, String)} in any program sharing the
 * {@link dev.sluice.block.BlockStore}; its {@link dev.sluice.block.Secret} fields are encrypted at rest by
 * the file store and masked everywhere else. {@link dev.sluice.block.BlockId} states the naming rule,
 * {@link dev.sluice.block.BlockRef} refers from one block to another.
 */
@NullMarked
package dev.sluice.block;

import org.jspecify.annotations.NullMarked;
