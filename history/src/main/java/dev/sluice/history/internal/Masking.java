package dev.sluice.history.internal;

import dev.sluice.block.Secret;

/**
 * Masks every secret value this JVM has revealed ({@link Secret#mask}), for text core does not
 * mask before a recorder sees it: parameters and tags.
 */
public final class Masking {
    private Masking() {
    }

    /** {@code text} with every revealed secret value replaced by {@code **********}. */
    public static String mask(String text) {
        return Secret.mask(text);
    }
}
