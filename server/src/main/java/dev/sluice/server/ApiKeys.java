package dev.sluice.server;

import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import dev.sluice.server.internal.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The API keys of a server, kept in the same database as its run history (tables of their own,
 * migrated by their own Flyway history table {@code sluice_server_schema_history}, after the run
 * history's schema). A key is
 * {@code sluice_<id>_<43 random characters>}; only its SHA-256 hash is stored, so a lost key cannot
 * be shown again, only revoked and replaced. The {@code sluice api-keys} command calls this class.
 *
 * <pre>{@code
 * try (ApiKeys keys = ApiKeys.open(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))) {
 *     NewApiKey ci = keys.create("ci", Role.OPERATOR);
 *     System.out.println("key (shown once): " + ci.token().reveal());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Several processes may use one database's keys at once.
 */
public final class ApiKeys implements AutoCloseable {
    private final KeyStore store;

    private ApiKeys(KeyStore store) {
        this.store = store;
    }

    /**
     * The keys kept in {@code database}, creating their tables on first use.
     *
     * @throws ServerException if the database cannot be reached or migrated; the message names it (password masked)
     */
    public static ApiKeys open(HistoryDatabase database) {
        Objects.requireNonNull(database, "database");
        // the run history's schema first: its migrations expect to find the database empty or their own
        History history;
        try {
            history = History.open(database);
        } catch (HistoryException e) {
            throw new ServerException(e.getMessage(), e);
        }
        try {
            return new ApiKeys(KeyStore.open(database, Clock.systemUTC()));
        } finally {
            history.close();
        }
    }

    /** The keys of {@code database}, whose run history schema is known to be there (an open {@link History} uses it). */
    static ApiKeys openBeside(HistoryDatabase database, Clock clock) {
        return new ApiKeys(KeyStore.open(Objects.requireNonNull(database, "database"), clock));
    }

    /**
     * Creates a key named {@code name} (1 to 64 letters, digits, {@code '-'}, {@code '_'} or {@code '.'},
     * unique among the active keys) with {@code role}.
     *
     * @throws IllegalArgumentException if the name breaks the rule or an active key has it
     */
    public NewApiKey create(String name, Role role) {
        return store.create(name, role);
    }

    /** Every key, active and revoked, oldest first. */
    public List<ApiKey> list() {
        return store.list();
    }

    /**
     * Revokes the active key whose id or name is {@code idOrName}: it stops working in every server
     * at once in this process, and within 10 seconds in the others. An id is matched first: a key named like
     * another key's id is revoked by its name only once no active key has that id.
     *
     * @return false if no active key has that id or name
     */
    public boolean revoke(String idOrName) {
        return store.revoke(Objects.requireNonNull(idOrName, "idOrName"));
    }

    /** The active key {@code token} is, if it is one. */
    public Optional<ApiKey> authenticate(String token) {
        return store.authenticate(Objects.requireNonNull(token, "token"));
    }

    /** Whether at least one key is active (a server with none lets anyone on its loopback address in). */
    public boolean anyActive() {
        return store.anyActive();
    }

    KeyStore store() {
        return store;
    }

    /** Closes the connections. Idempotent. */
    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "ApiKeys[" + store.description() + "]";
    }
}
