package dev.sluice.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Run ids: time-ordered UUIDs (version 7 layout), cheap to make. */
public final class Ids {
    private Ids() {
    }

    /** A new id; ids made later sort later (to the millisecond). */
    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
