/** The implementation of {@code dev.sluice.history}: not an API, may change in any release. */
@NullMarked
package dev.sluice.history.internal;

import org.jspecify.annotations.NullMarked;
