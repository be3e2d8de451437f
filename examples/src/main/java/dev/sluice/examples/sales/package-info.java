/**
 * The main example: a daily sales extract-transform-load pipeline with retries, caching, a
 * subflow, tags and failure notifications. Start with {@link dev.sluice.examples.sales.DailySales}.
 */
@NullMarked
package dev.sluice.examples.sales;

import org.jspecify.annotations.NullMarked;
