package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cache.CachePolicy;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Promises of the core's public Javadoc that a new user would test first, each checked as written. */
class JavadocPromisesTest {
    @TempDir
    Path home;
    SluiceRuntime runtime;

    SluiceRuntime runtime() {
        if (runtime == null) {
            runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                    .resultStore(ResultStore.inMemory()).sleeper(d -> { }).build();
        }
        return runtime;
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** CachePolicy: "Policies that cache alike are equal"; the order the excluded names were given in changes nothing. */
    @Test
    void cachePoliciesExcludingTheSameNamesInAnotherOrderAreEqual() {
        CachePolicy ab = CachePolicy.inputs().excluding("client", "logger");
        CachePolicy ba = CachePolicy.inputs().excluding("logger").excluding("client");

        assertThat(ab).isEqualTo(ba);
        assertThat(ab.hashCode()).isEqualTo(ba.hashCode());
        assertThat(ab.excludedNames()).containsExactly("client", "logger"); // still as given
    }

    /** RetryPolicy: "Policies that retry alike are equal"; a jitter of -0.0 (accepted as within 0..1) is no jitter. */
    @Test
    void aJitterOfMinusZeroIsNoJitter() {
        RetryPolicy plain = RetryPolicy.fixed(2, Duration.ofSeconds(1));
        RetryPolicy minusZero = plain.withJitter(-0.0);

        assertThat(minusZero).isEqualTo(plain).isEqualTo(plain.withJitter(0.0));
        assertThat(minusZero.hashCode()).isEqualTo(plain.hashCode());
        assertThat(minusZero.jitter()).isEqualTo(0.0);
        assertThat(minusZero.toString()).isEqualTo(plain.toString());
    }
}
