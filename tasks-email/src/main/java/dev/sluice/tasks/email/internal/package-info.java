/** Implementation of the email tasks on Jakarta Mail (Angus Mail). Not API: may change in any release. */
@NullMarked
package dev.sluice.tasks.email.internal;

import org.jspecify.annotations.NullMarked;
