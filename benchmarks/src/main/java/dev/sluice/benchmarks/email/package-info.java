/** The email benchmark: many messages over one SMTP connection against one connection per message. */
@NullMarked
package dev.sluice.benchmarks.email;

import org.jspecify.annotations.NullMarked;
