/** The server's implementation: routes, templates' views, sessions, key storage. Not an API. */
@NullMarked
package dev.sluice.server.internal;

import org.jspecify.annotations.NullMarked;
