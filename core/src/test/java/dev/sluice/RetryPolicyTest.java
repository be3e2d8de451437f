package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void fixedDelayRepeatsTheSameDelay() {
        RetryPolicy p = RetryPolicy.fixed(3, Duration.ofSeconds(2));
        assertThat(p.maxRetries()).isEqualTo(3);
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void listOfDelaysGivesOneRetryPerDelay() {
        RetryPolicy p = RetryPolicy.delays(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(100));
        assertThat(p.maxRetries()).isEqualTo(3);
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofSeconds(100));
    }

    @Test
    void exponentialBackoffDoublesUpToTheCap() {
        RetryPolicy p = RetryPolicy.exponential(6, Duration.ofMillis(100), Duration.ofMillis(1000));
        assertThat(p.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayBefore(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(p.delayBefore(5)).isEqualTo(Duration.ofMillis(1000));
        assertThat(p.delayBefore(6)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void exponentialWithMultiplier() {
        RetryPolicy p = RetryPolicy.exponential(3, Duration.ofMillis(100), 3.0, Duration.ofSeconds(10));
        assertThat(p.delayBefore(3)).isEqualTo(Duration.ofMillis(900));
    }

    @Test
    void jitterReallyVariesTheDelayWithinItsBounds() {
        RetryPolicy p = RetryPolicy.fixed(1, Duration.ofMillis(1000)).withJitter(0.25);
        Set<Duration> seen = new HashSet<>();
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            Duration d = p.delayBefore(1);
            seen.add(d);
            min = Math.min(min, d.toMillis());
            max = Math.max(max, d.toMillis());
        }
        assertThat(seen).hasSizeGreaterThan(100);
        assertThat(min).isGreaterThanOrEqualTo(750).isLessThan(850);
        assertThat(max).isLessThanOrEqualTo(1250).isGreaterThan(1150);
        assertThat(p.baseDelayBefore(1)).isEqualTo(Duration.ofMillis(1000));
    }

    @Test
    void jitterAppliesToExponentialBackoffToo() {
        RetryPolicy p = RetryPolicy.exponential(3, Duration.ofMillis(100), Duration.ofSeconds(5)).withJitter(0.5);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.add(p.delayBefore(3));
        }
        assertThat(seen).hasSizeGreaterThan(10).allSatisfy(d ->
                assertThat(d.toMillis()).isBetween(200L, 600L));
    }

    @Test
    void jitterNeverTakesAnExponentialDelayAboveItsMax() {
        RetryPolicy p = RetryPolicy.exponential(8, Duration.ofSeconds(1), Duration.ofSeconds(10)).withJitter(0.5);
        for (int retry = 1; retry <= 8; retry++) {
            for (int i = 0; i < 200; i++) {
                assertThat(p.delayBefore(retry)).as("retry %d", retry).isLessThanOrEqualTo(Duration.ofSeconds(10));
            }
        }
        Set<Duration> atTheCap = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            atTheCap.add(p.delayBefore(8));
        }
        assertThat(atTheCap).as("still varied below the cap").hasSizeGreaterThan(10)
                .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(5)));
    }

    @Test
    void retryConditions() {
        RetryPolicy p = RetryPolicy.fixed(2, Duration.ZERO)
                .retryOn(IOException.class)
                .abortOn(FileNotFoundException.class);
        assertThat(p.shouldRetry(new IOException("x"))).isTrue();
        assertThat(p.shouldRetry(new FileNotFoundException("x"))).isFalse();
        assertThat(p.shouldRetry(new IllegalStateException("x"))).isFalse();
        assertThat(p.shouldRetry(new OutOfMemoryError("x"))).isFalse();

        RetryPolicy q = RetryPolicy.fixed(2, Duration.ZERO).retryIf(t -> t.getMessage().contains("transient"));
        assertThat(q.shouldRetry(new RuntimeException("transient glitch"))).isTrue();
        assertThat(q.shouldRetry(new RuntimeException("permanent"))).isFalse();
    }

    @Test
    void badArgumentsNameTheField() {
        assertThatThrownBy(() -> RetryPolicy.fixed(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retries must be >= 0, was -1");
        assertThatThrownBy(() -> RetryPolicy.fixed(1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay must be >= 0");
        assertThatThrownBy(() -> RetryPolicy.delays())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delays");
        assertThatThrownBy(() -> RetryPolicy.exponential(2, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max must be >= initial");
        assertThatThrownBy(() -> RetryPolicy.exponential(2, Duration.ofSeconds(1), 0.5, Duration.ofSeconds(9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> RetryPolicy.fixed(1, Duration.ZERO).withJitter(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jitter");
    }
}
