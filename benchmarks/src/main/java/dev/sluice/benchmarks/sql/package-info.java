/** Side-by-side load benchmarks of the SQL tasks against raw JDBC and COPY. */
@NullMarked
package dev.sluice.benchmarks.sql;

import org.jspecify.annotations.NullMarked;
