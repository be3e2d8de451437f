package dev.sluice.examples.sales;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One row of the {@code daily_sales} table: a product's sales in a region on a day.
 *
 * @param saleDate the day
 * @param region   the region
 * @param product  the product
 * @param orders   how many sales
 * @param items    how many items
 * @param revenue  the total amount
 */
public record DailySale(LocalDate saleDate, String region, String product, long orders, long items, BigDecimal revenue) {
}
