/** Implementation of the AWS blocks and store; not API. */
@NullMarked
package dev.sluice.blocks.aws.internal;

import org.jspecify.annotations.NullMarked;
