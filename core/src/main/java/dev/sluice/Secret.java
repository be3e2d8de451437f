package dev.sluice;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.sluice.internal.Masker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value: a password, token or URL that is itself a credential. Its {@link #toString()}
 * and its JSON form are {@code **********}; {@link #reveal()} gives the value and teaches the run
 * logger to mask it wherever it shows up in a log line, run record or notification.
 */
public final class Secret {
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /** A secret holding {@code value}. */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        return new Secret(value);
    }

    /** The value. From now on, this JVM masks it in run logs, run records and notifications. */
    public String reveal() {
        Masker.register(value);
        return value;
    }

    /** True if the value is the empty string. */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** Always {@code **********}. */
    @JsonValue
    @Override
    public String toString() {
        return Masker.MASK;
    }

    /** Equal when the values are equal; compared in constant time. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), other.value.getBytes(StandardCharsets.UTF_8));
    }

    /** Depends on the length only, so a hash code gives nothing of the value away. */
    @Override
    public int hashCode() {
        return value.length();
    }
}
