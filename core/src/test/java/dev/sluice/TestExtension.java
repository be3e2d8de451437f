package dev.sluice;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link RuntimeExtension} for tests: on only in runtimes whose environment sets SLUICE_TEST_EXTENSION. */
public final class TestExtension implements RuntimeExtension {
    static final List<String> SEEN = new CopyOnWriteArrayList<>();
    static final List<String> CLOSED = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "test";
    }

    @Override
    public Optional<RunRecorder> recorder(SluiceRuntime runtime) {
        String tag = runtime.environment().get("SLUICE_TEST_EXTENSION");
        if (tag == null) {
            return Optional.empty();
        }
        if (tag.equals("broken")) {
            throw new IllegalStateException("cannot open the history file");
        }
        if (tag.equals("missing-class")) {
            throw new NoClassDefFoundError("org/sqlite/JDBC"); // an extension whose driver is not on the class path
        }
        return Optional.of(new Recorder(tag));
    }

    private record Recorder(String tag) implements RunRecorder, AutoCloseable {
        @Override
        public void stateChanged(Run run, StateChange change) {
            SEEN.add(tag + ":" + run.definitionName() + ":" + change.state());
        }

        @Override
        public void close() {
            CLOSED.add(tag);
        }
    }
}
