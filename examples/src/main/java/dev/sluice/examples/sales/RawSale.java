package dev.sluice.examples.sales;

import org.jspecify.annotations.Nullable;

/**
 * One sale as the source API sends it: everything may be missing or malformed, so everything is
 * nullable and the amount is text until the transform validates it.
 *
 * @param id       the sale id
 * @param date     the day, {@code yyyy-MM-dd}
 * @param region   the region
 * @param product  the product
 * @param amount   the amount, a decimal in text
 * @param quantity how many items, as sent: a positive whole number (1 when missing), else the record is invalid
 */
public record RawSale(@Nullable String id, @Nullable String date, @Nullable String region, @Nullable String product,
        @Nullable String amount, @Nullable String quantity) {
}
