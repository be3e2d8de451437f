/** Implementation of the SQL tasks; not API. */
@NullMarked
package dev.sluice.tasks.sql.internal;

import org.jspecify.annotations.NullMarked;
