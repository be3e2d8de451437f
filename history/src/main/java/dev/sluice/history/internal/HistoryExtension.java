package dev.sluice.history.internal;

import dev.sluice.LogLine;
import dev.sluice.Run;
import dev.sluice.RunRecorder;
import dev.sluice.RuntimeExtension;
import dev.sluice.SluiceRuntime;
import dev.sluice.StateChange;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every runtime's runs with no code: {@code $SLUICE_HOME/sluice.db}, or the database named by
 * {@code SLUICE_DATABASE_URL} / {@code SLUICE_DATABASE_BLOCK}; off with {@code -Dsluice.history=off}
 * or {@code SLUICE_HISTORY=off}. The default SQLite file never stops a flow: if it cannot be opened,
 * the runtime goes on without a history (logged). A SQLite file another process holds locked is no reason to go on
 * without one: runs are kept in memory and written once it is free ({@link DeferredHistory}).
 */
public final class HistoryExtension implements RuntimeExtension {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.history");

    /** The system property that turns the history off ({@code off}) for every runtime. */
    public static final String PROPERTY = "sluice.history";
    /** The environment variable that turns the history off ({@code off}). */
    public static final String VARIABLE = "SLUICE_HISTORY";

    @Override
    public String name() {
        return "history";
    }

    /** Whether the history is turned off by the system property or {@code environment}. */
    public static boolean isOff(Map<String, String> environment) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            v = environment.get(VARIABLE);
        }
        return isOffValue(v);
    }

    /** Whether {@code value} of the switch turns the history off ({@code off}, {@code false}, {@code no}, ...). */
    public static boolean isOffValue(@Nullable String value) {
        if (value == null) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "off", "false", "no", "0", "disabled", "none" -> true;
            default -> false;
        };
    }

    @Override
    public Optional<RunRecorder> recorder(SluiceRuntime runtime) {
        Map<String, String> env = runtime.environment();
        if (isOff(env)) {
            LOG.debug("run history is off ({} / {})", PROPERTY, VARIABLE);
            return Optional.empty();
        }
        String block = env.get(HistoryDatabase.BLOCK_VARIABLE);
        HistoryDatabase database = HistoryDatabase.of(runtime);
        boolean chosen = block != null && !block.isBlank() || !database.isSqlite()
                || System.getProperty("sluice.database.url") != null || env.get(HistoryDatabase.URL_VARIABLE) != null;
        if (database.isSqlite() && database.sqliteFile().isPresent() && DeferredHistory.locked(database.sqliteFile().get())) {
            // another process holds the file: do not wait for it here, nor go on without a history
            return Optional.of(DeferredHistory.start(database, runtime.clock(), "at start"));
        }
        History history;
        try {
            // the runtime closes it, with itself or at JVM exit once its late hooks have ended (their lines recorded)
            history = History.builder(database).clock(runtime.clock()).closeAtExit(false).open();
        } catch (RuntimeException e) {
            if (database.isSqlite() && database.sqliteFile().isPresent() && DeferredHistory.isLock(e)) {
                return Optional.of(DeferredHistory.start(database, runtime.clock(), e.getMessage()));
            }
            if (chosen) {
                throw e; // the runtime logs it and goes on without a history
            }
            LOG.warn("run history is off for this runtime: {} (flows run as usual; -D{}=off or {}=off silences this)",
                    e.getMessage(), PROPERTY, VARIABLE);
            return Optional.empty();
        }
        return Optional.of(new Closing(history));
    }

    /** The history's recorder, closing the history with the runtime. */
    static final class Closing implements RunRecorder, AutoCloseable {
        private final History history;
        private final RunRecorder delegate;

        Closing(History history) {
            this.history = history;
            this.delegate = history.recorder();
        }

        @Override
        public void stateChanged(Run run, StateChange change) {
            delegate.stateChanged(run, change);
        }

        @Override
        public void logged(Run run, LogLine line) {
            delegate.logged(run, line);
        }

        @Override
        public void tagsChanged(Run run, Set<String> tags) {
            delegate.tagsChanged(run, tags);
        }

        @Override
        public void close() {
            history.close();
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
