/** Service registrations of the blocks module; not API. */
@NullMarked
package dev.sluice.blocks.internal;

import org.jspecify.annotations.NullMarked;
