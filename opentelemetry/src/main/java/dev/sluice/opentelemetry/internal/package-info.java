/** Implementation of {@code sluice-opentelemetry}; not an API. */
@NullMarked
package dev.sluice.opentelemetry.internal;

import org.jspecify.annotations.NullMarked;
