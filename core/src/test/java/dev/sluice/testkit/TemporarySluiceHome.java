package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, empty {@code $SLUICE_HOME} for tests: points the {@code sluice.home} system property at
 * a new temporary folder, so the default {@link dev.sluice.SluiceRuntime} (rebuilt for the test, see
 * {@link TestRuntimes}) keeps blocks, keys and cached results there, and puts both back (and deletes
 * the folder) afterwards. Register it on a {@code static} field for one home per test
 * class, or on an instance field for one home per test:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TemporarySluiceHome HOME = new TemporarySluiceHome();
 * }</pre>
 */
public final class TemporarySluiceHome implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private static final String PROPERTY = "sluice.home";

    private @Nullable Path path;
    private @Nullable String previous;
    private boolean perClass;

    /** The home folder in use. */
    public Path path() {
        if (path == null) {
            throw new IllegalStateException("no temporary home: the extension is not active");
        }
        return path;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        perClass = true;
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    private void open() throws IOException {
        previous = System.getProperty(PROPERTY);
        path = Files.createTempDirectory("sluice-home-");
        System.setProperty(PROPERTY, path.toString());
        TestRuntimes.reset(); // the default runtime is built again, with this home
    }

    private void close() {
        TestRuntimes.reset();
        if (previous == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, previous);
        }
        Path dir = path;
        path = null;
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the temporary home " + dir, e);
            }
        }
    }
}
