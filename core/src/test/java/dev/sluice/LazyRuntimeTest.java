package dev.sluice;

import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What test classes of the engine share: a runtime made on first use in a fresh home (no extensions, results in
 * memory, retry waits not slept), closed after each test. A class changes the builder with {@link #configure}.
 */
abstract class LazyRuntimeTest {
    @TempDir
    Path home;
    SluiceRuntime runtime;

    /** The builder of the runtime, with this class's changes; by default none. */
    SluiceRuntime.Builder configure(SluiceRuntime.Builder builder) {
        return builder;
    }

    SluiceRuntime runtime() {
        if (runtime == null) {
            runtime = configure(SluiceRuntime.builder().withoutExtensions().home(home)
                    .resultStore(ResultStore.inMemory()).sleeper(d -> { })).build();
        }
        return runtime;
    }

    @AfterEach
    void closeRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }
}
