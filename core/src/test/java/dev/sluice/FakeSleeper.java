package dev.sluice;

import dev.sluice.testkit.TestRuntimes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Records retry delays instead of sleeping them; installed for each test of a class that registers it. */
final class FakeSleeper implements BeforeEachCallback, AfterEachCallback {
    final List<Duration> slept = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) {
        slept.clear();
        TestRuntimes.use(b -> b.sleeper(slept::add));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestRuntimes.reset();
    }
}
