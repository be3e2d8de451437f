/** Implementation of the HTTP tasks; not API. */
@NullMarked
package dev.sluice.tasks.http.internal;

import org.jspecify.annotations.NullMarked;
