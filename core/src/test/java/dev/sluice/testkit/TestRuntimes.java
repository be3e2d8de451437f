package dev.sluice.testkit;

import dev.sluice.SluiceRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Installs a test's own {@link SluiceRuntime} as the JVM default, built from the usual defaults
 * (which follow the {@code sluice.home} system property, see {@link TemporarySluiceHome}) with the
 * given changes, and takes it away again. Changes add up until {@link #reset()}:
 *
 * <pre>{@code
 * TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
 * TestRuntimes.use(b -> b.sleeper(slept::add));   // same store, and the fake sleeper
 * ...
 * TestRuntimes.reset();                            // back to a default built from the environment
 * }</pre>
 */
public final class TestRuntimes {
    private static final List<UnaryOperator<SluiceRuntime.Builder>> CHANGES = new ArrayList<>();
    private static @Nullable SluiceRuntime installed;

    private TestRuntimes() {
    }

    /** Adds {@code change}, builds a runtime with all changes so far and makes it the default. */
    public static synchronized SluiceRuntime use(UnaryOperator<SluiceRuntime.Builder> change) {
        CHANGES.add(change);
        SluiceRuntime.Builder b = SluiceRuntime.builder();
        for (UnaryOperator<SluiceRuntime.Builder> c : CHANGES) {
            b = c.apply(b);
        }
        SluiceRuntime runtime = b.build();
        SluiceRuntime previous = SluiceRuntime.replaceDefault(runtime);
        if (previous != null && previous == installed) {
            previous.close();
        }
        installed = runtime;
        return runtime;
    }

    /** Drops every change and the installed runtime; the next use of the default builds a fresh one. */
    public static synchronized void reset() {
        CHANGES.clear();
        SluiceRuntime previous = SluiceRuntime.replaceDefault(null);
        if (previous != null) {
            previous.close();
        }
        installed = null;
    }
}
