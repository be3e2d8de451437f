package dev.sluice.blocks.aws;

import dev.sluice.SluiceException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An AWS Secrets Manager call failed. The message names the secret, the region and what to do;
 * it never contains a secret value. {@link #reason()} tells the kinds apart without parsing it.
 */
public class AwsSecretException extends SluiceException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Reason {
        /** The secret, or the asked-for version of it, does not exist. */
        NOT_FOUND,
        /** The credentials are not allowed to do this (IAM or KMS), or are invalid or expired. */
        ACCESS_DENIED,
        /** AWS kept throttling the call after the retries with backoff. */
        THROTTLED,
        /** AWS could not be reached (DNS, connection, timeout) after the retries. */
        NETWORK,
        /** The secret is scheduled for deletion; restore it first. */
        SCHEDULED_FOR_DELETION,
        /** The secret already exists (on create). */
        ALREADY_EXISTS,
        /** No credentials or no region could be found, or a setting is wrong. */
        CONFIGURATION,
        /** AWS rejected the request as invalid (a value too large, a bad parameter). */
        INVALID_REQUEST,
        /** Anything else; see the cause. */
        OTHER
    }

    private final @Nullable String secretName;
    private final Reason reason;

    /** An exception about {@code secretName} (null when it is not about one secret). */
    public AwsSecretException(String message, @Nullable String secretName, Reason reason, @Nullable Throwable cause) {
        super(message, cause);
        this.secretName = secretName;
        this.reason = reason;
    }

    /** The secret the call was about. */
    public Optional<String> secretName() {
        return Optional.ofNullable(secretName);
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
