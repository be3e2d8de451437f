package dev.sluice.blocks.aws.internal;

import dev.sluice.SluiceRuntime;
import dev.sluice.blocks.aws.SecretVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** The Secrets Manager calls behind {@code AwsSecret}; SDK exceptions pass through. */
public final class SecretsManagerCalls {
    private SecretsManagerCalls() {
    }

    /** A secret's value: text or bytes. */
    public record Value(@Nullable String text, byte @Nullable [] binary, String versionId) {
        /** The value as bytes, text in UTF-8. */
        public byte[] bytes() {
            return binary != null ? binary.clone() : text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /** GetSecretValue of {@code version}. */
    public static Value get(SecretsManagerClient sm, String name, SecretVersion version) {
        GetSecretValueRequest.Builder request = GetSecretValueRequest.builder().secretId(name);
        if (version.versionId() != null) {
            request.versionId(version.versionId());
        } else {
            request.versionStage(version.stage());
        }
        GetSecretValueResponse r = sm.getSecretValue(request.build());
        return new Value(r.secretString(), r.secretBinary() == null ? null : r.secretBinary().asByteArray(), r.versionId());
    }

    /**
     * PutSecretValue, or CreateSecret when the secret does not exist (and PutSecretValue again if
     * another writer created it meanwhile). Exactly one of {@code text} and {@code binary} is set.
     *
     * @return the new version id
     */
    public static String write(SecretsManagerClient sm, String name, @Nullable String text, byte @Nullable [] binary,
            @Nullable String description) {
        try {
            return put(sm, name, text, binary);
        } catch (ResourceNotFoundException missing) {
            try {
                return sm.createSecret(b -> {
                    b.name(name);
                    if (description != null) {
                        b.description(description);
                    }
                    if (text != null) {
                        b.secretString(text);
                    } else {
                        b.secretBinary(SdkBytes.fromByteArray(binary));
                    }
                }).versionId();
            } catch (ResourceExistsException raced) {
                return put(sm, name, text, binary);
            }
        }
    }

    /**
     * CreateSecret only.
     *
     * @throws ResourceExistsException if it exists
     * @throws InvalidRequestException if it is scheduled for deletion
     */
    public static String create(SecretsManagerClient sm, String name, @Nullable String text, byte @Nullable [] binary,
            String description) {
        return sm.createSecret(b -> {
            b.name(name).description(description);
            if (text != null) {
                b.secretString(text);
            } else {
                b.secretBinary(SdkBytes.fromByteArray(binary));
            }
        }).versionId();
    }

    /** PutSecretValue. */
    public static String put(SecretsManagerClient sm, String name, @Nullable String text, byte @Nullable [] binary) {
        return sm.putSecretValue(b -> {
            b.secretId(name);
            if (text != null) {
                b.secretString(text);
            } else {
                b.secretBinary(SdkBytes.fromByteArray(binary));
            }
        }).versionId();
    }

    /** DeleteSecret with a recovery window, or without one when {@code recoveryDays} is 0. */
    public static Instant delete(SecretsManagerClient sm, String name, int recoveryDays) {
        Instant when = sm.deleteSecret(b -> {
            b.secretId(name);
            if (recoveryDays == 0) {
                b.forceDeleteWithoutRecovery(true);
            } else {
                b.recoveryWindowInDays((long) recoveryDays);
            }
        }).deletionDate();
        return when == null ? SluiceRuntime.current().clock().instant() : when;
    }
}
