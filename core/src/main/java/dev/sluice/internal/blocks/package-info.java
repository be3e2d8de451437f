/** Block stores, the block codec, block type discovery and the file store's encryption. */
@NullMarked
package dev.sluice.internal.blocks;

import org.jspecify.annotations.NullMarked;
