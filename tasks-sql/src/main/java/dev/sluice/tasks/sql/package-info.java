/**
 * SQL tasks: a {@link dev.sluice.tasks.sql.DatabaseCredentials} block backed by one HikariCP pool
 * per block and {@code SluiceRuntime} ({@link dev.sluice.tasks.sql.SqlPools}), statement and query tasks, and a fast all-or-nothing {@link dev.sluice.tasks.sql.SqlTasks#load() load}
 * that uses PostgreSQL's {@code COPY} when it can.
 *
 * <pre>{@code
 * DatabaseCredentials db = DatabaseCredentials.of("jdbc:postgresql://localhost/shop", "etl", Secret.of(pw));
 * LoadResult result = SqlTasks.load().run(db, LoadSpec.into("orders").withUpsertOn("id"), orders);
 * }</pre>
 */
@NullMarked
package dev.sluice.tasks.sql;

import org.jspecify.annotations.NullMarked;
