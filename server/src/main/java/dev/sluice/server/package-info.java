/**
 * The Sluice server: a web dashboard and a JSON API over a run history, with API keys and roles.
 *
 * <pre>{@code
 * try (SluiceServer server = SluiceServer.start(ServerOptions.builder()
 *         .database(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))
 *         .build())) {
 *     System.out.println("dashboard at " + server.url());
 *     server.await();
 * }
 * }</pre>
 */
@NullMarked
package dev.sluice.server;

import org.jspecify.annotations.NullMarked;
