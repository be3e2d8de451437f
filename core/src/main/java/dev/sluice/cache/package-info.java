/**
 * Caching of task results: {@link dev.sluice.cache.CachePolicy} says whether and by which key a
 * task's results are cached ({@code task.withCache(CachePolicy.inputs().expireAfter(...))}),
 * {@link dev.sluice.cache.ResultStore} where they are kept (files under the runtime's home by
 * default, or in memory), and {@link dev.sluice.cache.CachedResult} is one stored entry.
 */
@NullMarked
package dev.sluice.cache;

import org.jspecify.annotations.NullMarked;
