package dev.sluice.blocks.aws;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.BlockRef;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.internal.AwsClients;
import dev.sluice.blocks.aws.internal.AwsErrors;
import dev.sluice.blocks.aws.internal.SecretsManagerCalls;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * One secret in AWS Secrets Manager, reached with the {@link AwsCredentials} block that
 * {@link #credentials()} refers to (loaded from the current runtime's block store on each use, so
 * a change to the credentials block is seen at once), or with the SDK's default chain when that
 * reference is {@code null}. Saved, the reference is stored as {@code "aws-credentials/<name>"},
 * never as a copy of the credentials.
 *
 * <pre>{@code
 * Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion("eu-west-1"));
 * AwsSecret password = AwsSecret.of("aws-prod", "prod/warehouse/password");
 * // the same: new AwsSecret("aws-prod", ...) or new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-prod"), ...)
 * password.write("s3cret");                       // creates the secret, or adds a version
 * Secret current = password.read();
 * Secret before = password.read(SecretVersion.previous());
 * }</pre>
 *
 * Every call goes to AWS (no caching here; the block store caches). Failures are
 * {@link AwsSecretException}s naming the secret and the reason; a missing credentials block is a
 * {@link dev.sluice.block.BlockNotFoundException}.
 *
 * @param credentials the saved {@link AwsCredentials} block to use, or {@code null} for the default chain
 * @param secretName  the secret's name (1 to 512 letters, digits and {@code /_+=.@-}) or ARN
 */
@BlockType("aws-secret")
public record AwsSecret(@Nullable BlockRef<AwsCredentials> credentials, String secretName) implements Block {
    /** AWS's limit on a secret's name. */
    public static final int MAX_NAME_LENGTH = 512;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]+");
    /** A secret's ARN: the name, then '-' and the six characters AWS adds. */
    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:([A-Za-z0-9/_+=.@-]+)");

    /**
     * Validates the secret name: 1 to {@value #MAX_NAME_LENGTH} letters, digits and {@code /_+=.@-}
     * (AWS's rule for names), or the ARN of such a secret.
     */
    public AwsSecret {
        Objects.requireNonNull(secretName, "secretName");
        String name = secretName;
        java.util.regex.Matcher arn = ARN.matcher(secretName);
        if (secretName.startsWith("arn:")) {
            if (!arn.matches()) {
                throw new IllegalArgumentException("secretName '" + shown(secretName) + "' is not a Secrets Manager ARN"
                        + " such as arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf");
            }
            name = arn.group(1);
        } else if (!NAME.matcher(secretName).matches()) {
            throw new IllegalArgumentException("secretName '" + shown(secretName) + "' is not allowed: use letters,"
                    + " digits and /_+=.@- (or an ARN)");
        }
        // an ARN ends in the name plus '-' and 6 characters
        int limit = secretName.startsWith("arn:") ? MAX_NAME_LENGTH + 7 : MAX_NAME_LENGTH;
        if (name.length() > limit) {
            throw new IllegalArgumentException("secretName is " + name.length() + " characters long ('"
                    + shown(secretName) + "'); AWS Secrets Manager allows at most " + MAX_NAME_LENGTH);
        }
    }

    private static String shown(String name) {
        return name.length() <= 60 ? name : name.substring(0, 60) + "...";
    }

    /**
     * The secret {@code secretName}, reached with the {@link AwsCredentials} block saved as
     * {@code credentialsName} (a reference to it: the block is loaded when the secret is used).
     * For the default chain use {@link #withDefaultCredentials(String)}.
     *
     * @throws IllegalArgumentException if {@code credentialsName} is not a valid block name
     */
    public AwsSecret(String credentialsName, String secretName) {
        this(BlockRef.to(AwsCredentials.class, Objects.requireNonNull(credentialsName, "credentialsName")), secretName);
    }

    /** The same as {@link #AwsSecret(String, String) new AwsSecret(credentialsName, secretName)}. */
    public static AwsSecret of(String credentialsName, String secretName) {
        return new AwsSecret(credentialsName, secretName);
    }

    /** The secret {@code secretName}, reached with the SDK's default credential and region chains. */
    public static AwsSecret withDefaultCredentials(String secretName) {
        return new AwsSecret((BlockRef<AwsCredentials>) null, secretName);
    }

    /** The current value as text. */
    public Secret read() {
        return read(SecretVersion.current());
    }

    /**
     * The value of {@code version} as text.
     *
     * @throws AwsSecretException NOT_FOUND if the secret or version does not exist, or
     *         INVALID_REQUEST if it holds binary data (use {@link #readBytes})
     */
    public Secret read(SecretVersion version) {
        Objects.requireNonNull(version, "version");
        AwsCredentials c = resolve();
        SecretsManagerCalls.Value value = call(c, "read", List.of(),
                () -> SecretsManagerCalls.get(c.secretsManager(), secretName, version));
        if (value.text() == null) {
            throw new AwsSecretException("AWS secret '" + secretName + "' (" + version + ") holds binary data, not"
                    + " text; read it with readBytes()", secretName, AwsSecretException.Reason.INVALID_REQUEST, null);
        }
        return Secret.of(value.text());
    }

    /** The current value as bytes (text is given in UTF-8). */
    public byte[] readBytes() {
        return readBytes(SecretVersion.current());
    }

    /** The value of {@code version} as bytes (text is given in UTF-8). */
    public byte[] readBytes(SecretVersion version) {
        Objects.requireNonNull(version, "version");
        AwsCredentials c = resolve();
        return call(c, "read", List.of(), () -> SecretsManagerCalls.get(c.secretsManager(), secretName, version)).bytes();
    }

    /**
     * Stores {@code value} as the new current version, creating the secret if it does not exist.
     *
     * @return the new version's id
     */
    public String write(String value) {
        Objects.requireNonNull(value, "value");
        AwsCredentials c = resolve();
        // the value is a secret: masked in this JVM's logs, and in an AWS error that would echo it
        String hidden = Secret.of(value).reveal();
        return call(c, "write", List.of(hidden),
                () -> SecretsManagerCalls.write(c.secretsManager(), secretName, value, null, null));
    }

    /** Stores {@code value} as binary data; see {@link #write(String)}. */
    public String write(byte[] value) {
        Objects.requireNonNull(value, "value");
        AwsCredentials c = resolve();
        return call(c, "write", List.of(new String(value, StandardCharsets.UTF_8)),
                () -> SecretsManagerCalls.write(c.secretsManager(), secretName, null, value.clone(), null));
    }

    /**
     * Schedules the secret for deletion after {@code recoveryDays} (7 to 30), during which it can
     * be restored.
     *
     * @return when AWS will delete it
     */
    public Instant delete(int recoveryDays) {
        if (recoveryDays < 7 || recoveryDays > 30) {
            throw new IllegalArgumentException("recoveryDays must be between 7 and 30, was " + recoveryDays
                    + "; use forceDelete() to delete without recovery");
        }
        AwsCredentials c = resolve();
        return call(c, "delete", List.of(), () -> SecretsManagerCalls.delete(c.secretsManager(), secretName, recoveryDays));
    }

    /** Deletes the secret at once, without a recovery window. */
    public void forceDelete() {
        AwsCredentials c = resolve();
        call(c, "delete", List.of(), () -> SecretsManagerCalls.delete(c.secretsManager(), secretName, 0));
    }

    private AwsCredentials resolve() {
        return credentials == null ? AwsCredentials.defaultChain() : credentials.load();
    }

    /** Runs {@code body}; an SDK failure becomes an {@link AwsSecretException} with {@code hidden} masked. */
    private <T> T call(AwsCredentials c, String action, List<String> hidden, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            throw AwsErrors.translate(e, action, secretName, c.describe(), AwsClients.MAX_ATTEMPTS, hidden);
        }
    }
}
