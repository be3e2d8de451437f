package dev.sluice.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that tests move by hand, and that otherwise goes on with real time (so waits still end). */
final class TestClock extends Clock {
    private volatile long offsetNanos;

    TestClock(Instant start) {
        offsetNanos = Duration.between(Instant.now(), start).toNanos();
    }

    void advance(Duration d) {
        offsetNanos += d.toNanos();
    }

    /** Moves so that now is {@code t} (plus the real time that passes after). */
    void set(Instant t) {
        offsetNanos = Duration.between(Instant.now(), t).toNanos();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plusNanos(offsetNanos);
    }
}
