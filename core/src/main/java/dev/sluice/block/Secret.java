package dev.sluice.block;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.sluice.internal.Masker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A secret value: a password, token or URL that is itself a credential. Its {@link #toString()}
 * and its JSON form are {@code **********}; {@link #reveal()} gives the value and teaches the run
 * logger to mask it wherever it shows up in a log line, run record or notification.
 *
 * <p>Only a block store writes the value itself (the file store encrypts it); Jackson output
 * elsewhere, {@code toString()} and {@code hashCode()} give nothing of it away, and {@code equals}
 * compares in constant time. Not {@code Serializable}.
 */
public final class Secret {
    private static final byte[] HASH_KEY = randomKey();

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[16];
        new java.security.SecureRandom().nextBytes(key);
        return key;
    }

    /**
     * A secret holding {@code value}.
     *
     * @throws NullPointerException if {@code value} is null, saying so (as from an environment variable that is not set)
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "the secret's value is null (from an environment variable or property that is not set?)");
        return new Secret(value);
    }

    /**
     * The value. From now on, this JVM masks it in run logs, run records, exception messages and
     * notifications, with its URL-encoded and JSON-escaped forms ({@link #mask}). A value of 2 or 3
     * characters is masked only where it stands alone, and revealing one logs a warning; a value of
     * one character is not masked at all (it would mask that character everywhere), with a warning.
     */
    public String reveal() {
        Masker.register(value);
        return value;
    }

    /**
     * {@code text} with every secret value revealed in this JVM (and the URL-encoded and
     * JSON-escaped forms of each) replaced by {@code **********}: what the run logger does to every
     * line, for text you show elsewhere. Mask before you shorten or reformat text, so a secret that
     * spans the cut or holds white space is still whole when it is matched. Values of 2 or 3
     * characters are masked only where they stand alone (not inside a longer word or number), in their
     * URL-encoded and JSON-escaped forms too; values of one character are not masked. The user info of
     * every URL in {@code text} is masked as well, secret or not: the password of
     * {@code https://user:password@host}, or the whole user info when it has no password.
     */
    public static String mask(@Nullable String text) {
        return Masker.mask(text);
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

    /**
     * A keyed hash of the value, with a key drawn at random when this JVM started: consistent with
     * {@link #equals} within the JVM, but neither the value nor its length can be read from it.
     */
    @Override
    public int hashCode() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(HASH_KEY);
            byte[] d = sha.digest(value.getBytes(StandardCharsets.UTF_8));
            return (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | (d[3] & 0xff);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
