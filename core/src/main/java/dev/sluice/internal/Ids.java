package dev.sluice.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids: time-ordered UUIDs (version 7 layout), cheap to make. A run keeps its id as two longs
 * ({@link #high()}, {@link #low()}) and makes the text ({@link #text}) when it is first asked for.
 */
public final class Ids {
    private Ids() {
    }

    /** A new id; ids made later sort later (to the millisecond). */
    public static String next() {
        return text(high(System.currentTimeMillis()), low());
    }

    /** The high half of a new id made at {@code epochMillis}: the time, the version, 12 random bits. */
    static long high(long epochMillis) {
        return (epochMillis << 16) | 0x7000L | (ThreadLocalRandom.current().nextLong() & 0x0FFFL);
    }

    /** The low half of a new id: the variant and 62 random bits. */
    static long low() {
        return (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    }

    /** The text of the id made of {@code high} and {@code low}. */
    static String text(long high, long low) {
        return new UUID(high, low).toString();
    }
}
