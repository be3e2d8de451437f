/** Implementation of {@code sluice-micrometer}; not an API. */
@NullMarked
package dev.sluice.micrometer.internal;

import org.jspecify.annotations.NullMarked;
