package dev.sluice.spring.boot.internal;

import dev.sluice.SluiceRuntime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;

/**
 * Makes the application's runtime the JVM's default while the context is open, and puts the previous
 * default back when it closes (before the runtime itself is closed). With several contexts open in one JVM,
 * whichever closes first, the default goes back to the runtime of a context still open, or to what it was
 * before the first of them: never to the runtime of a context that closed meanwhile.
 */
public final class DefaultRuntime implements DisposableBean {
    /** The replacements in force, oldest first: each one's previous default is the one before it, or the JVM's. */
    private static final List<DefaultRuntime> OPEN = new ArrayList<>();

    private final SluiceRuntime runtime;
    private @Nullable SluiceRuntime previous;

    /** Makes {@code runtime} the default now. */
    public DefaultRuntime(SluiceRuntime runtime) {
        this.runtime = runtime;
        synchronized (OPEN) {
            this.previous = SluiceRuntime.replaceDefault(runtime);
            OPEN.add(this);
        }
    }

    /** Puts the previous default back, unless someone replaced this one meanwhile. */
    @Override
    public void destroy() {
        synchronized (OPEN) {
            OPEN.remove(this);
            for (DefaultRuntime later : OPEN) {
                if (later.previous == runtime) {
                    later.previous = previous; // this one goes away: the one that replaced it falls back past it
                }
            }
            SluiceRuntime back = previous != null && previous.isClosed() ? null : previous;
            SluiceRuntime current = SluiceRuntime.replaceDefault(back);
            if (current != runtime) {
                SluiceRuntime.replaceDefault(current); // replaced by someone else meanwhile: leave theirs
            }
        }
    }
}
