/** Implementation of the Slack tasks and blocks; not API, may change in any release. */
@NullMarked
package dev.sluice.tasks.slack.internal;

import org.jspecify.annotations.NullMarked;
