package dev.sluice.spring.boot.internal;

import dev.sluice.SluiceRuntime;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * Makes the application's runtime the JVM's default while the context is open, and puts the previous
 * default back when it closes (before the runtime itself is closed).
 */
public final class DefaultRuntime implements DisposableBean {
    private final SluiceRuntime runtime;
    private final @Nullable SluiceRuntime previous;

    /** Makes {@code runtime} the default now. */
    public DefaultRuntime(SluiceRuntime runtime) {
        this.runtime = runtime;
        this.previous = SluiceRuntime.replaceDefault(runtime);
    }

    /** Puts the previous default back, unless someone replaced this one meanwhile. */
    @Override
    public void destroy() {
        SluiceRuntime current = SluiceRuntime.replaceDefault(previous);
        if (current != runtime) {
            SluiceRuntime.replaceDefault(current); // replaced by someone else meanwhile: leave theirs
        }
    }
}
