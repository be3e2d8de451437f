/**
 * Notifications about runs: {@link dev.sluice.notify.Notify} is a hook
 * ({@code flow.onFailure(Notify.via(...))}) that sends a {@link dev.sluice.notify.Notification}, with every
 * revealed secret masked, through one or more {@link dev.sluice.notify.Notifier}s, retrying a failing one;
 * {@link dev.sluice.notify.LogNotifier} writes to a logger and needs no server.
 */
@NullMarked
package dev.sluice.notify;

import org.jspecify.annotations.NullMarked;
