/** Implementation of {@code dev.sluice.scheduler}; not API. */
@NullMarked
package dev.sluice.scheduler.internal;

import org.jspecify.annotations.NullMarked;
