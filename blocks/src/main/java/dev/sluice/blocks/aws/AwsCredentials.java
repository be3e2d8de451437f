package dev.sluice.blocks.aws;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.internal.AwsClients;
import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * How to reach AWS: access keys (with an optional session token), a named profile, or, when
 * neither is given, the SDK's default credential chain (environment, system properties, web
 * identity, profile files, container and instance roles). Optionally a role to assume with STS,
 * a region and an endpoint override (for a VPC endpoint, LocalStack or a test server).
 *
 * <pre>{@code
 * AwsCredentials prod = AwsCredentials.defaultChain().withRegion("eu-west-1");
 * AwsCredentials ci = AwsCredentials.of("AKIA...", Secret.of(System.getenv("AWS_SECRET")))
 *         .withRoleArn("arn:aws:iam::123456789012:role/etl");
 * SecretsManagerClient sm = prod.client(SecretsManagerClient.class);
 * }</pre>
 *
 * @param accessKeyId     the access key id, or {@code null}
 * @param secretAccessKey the secret access key; given exactly when {@code accessKeyId} is
 * @param sessionToken    the session token of temporary keys, or {@code null}
 * @param profileName     a profile of {@code ~/.aws/config}, instead of keys; or {@code null}
 * @param region          the region ({@code eu-west-1}); {@code null} means the SDK's region chain
 *                        ({@code AWS_REGION}, the profile, instance metadata)
 * @param endpointOverride an absolute URL used instead of the service's endpoint, or {@code null};
 *                        it applies to every client made from this block (STS for {@code roleArn} too)
 * @param roleArn         a role to assume with STS using the credentials above, or {@code null}
 */
@BlockType("aws-credentials")
public record AwsCredentials(@Nullable String accessKeyId, @Nullable Secret secretAccessKey,
        @Nullable Secret sessionToken, @Nullable String profileName, @Nullable String region,
        @Nullable String endpointOverride, @Nullable String roleArn) implements Block {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-\\d+|[a-z0-9-]+");
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    /** Validates that the fields fit together. */
    public AwsCredentials {
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("give accessKeyId and secretAccessKey together, or neither");
        }
        if (accessKeyId != null && accessKeyId.isBlank()) {
            throw new IllegalArgumentException("accessKeyId must not be blank");
        }
        if (sessionToken != null && accessKeyId == null) {
            throw new IllegalArgumentException("a sessionToken needs accessKeyId and secretAccessKey");
        }
        if (profileName != null && (profileName.isBlank() || accessKeyId != null)) {
            throw new IllegalArgumentException(profileName.isBlank() ? "profileName must not be blank"
                    : "give access keys or a profileName, not both");
        }
        if (region != null && !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region '" + region + "' is not an AWS region name such as 'eu-west-1'");
        }
        if (endpointOverride != null) {
            URI uri;
            try {
                uri = URI.create(endpointOverride);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("endpointOverride '" + endpointOverride + "' is not a URL");
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("endpointOverride '" + endpointOverride
                        + "' must be an absolute URL such as 'https://secretsmanager.eu-west-1.amazonaws.com'");
            }
        }
        if (roleArn != null && !ROLE.matcher(roleArn).matches()) {
            throw new IllegalArgumentException("roleArn '" + roleArn
                    + "' is not a role ARN such as 'arn:aws:iam::123456789012:role/etl'");
        }
    }

    /** The SDK's default credential chain and region chain. */
    public static AwsCredentials defaultChain() {
        return new AwsCredentials(null, null, null, null, null, null, null);
    }

    /** Long-term access keys. */
    public static AwsCredentials of(String accessKeyId, Secret secretAccessKey) {
        return new AwsCredentials(Objects.requireNonNull(accessKeyId, "accessKeyId"),
                Objects.requireNonNull(secretAccessKey, "secretAccessKey"), null, null, null, null, null);
    }

    /** The named profile of the shared AWS config and credentials files. */
    public static AwsCredentials profile(String profileName) {
        return new AwsCredentials(null, null, null, Objects.requireNonNull(profileName, "profileName"), null, null, null);
    }

    /** A copy with a session token (temporary keys). */
    public AwsCredentials withSessionToken(Secret token) {
        return new AwsCredentials(accessKeyId, secretAccessKey, Objects.requireNonNull(token, "sessionToken"),
                profileName, region, endpointOverride, roleArn);
    }

    /** A copy in {@code newRegion}. */
    public AwsCredentials withRegion(String newRegion) {
        return new AwsCredentials(accessKeyId, secretAccessKey, sessionToken, profileName,
                Objects.requireNonNull(newRegion, "region"), endpointOverride, roleArn);
    }

    /** A copy sending every request to {@code endpoint}. */
    public AwsCredentials withEndpointOverride(String endpoint) {
        return new AwsCredentials(accessKeyId, secretAccessKey, sessionToken, profileName, region,
                Objects.requireNonNull(endpoint, "endpointOverride"), roleArn);
    }

    /** A copy that assumes {@code arn} with STS, using these credentials to do so. */
    public AwsCredentials withRoleArn(String arn) {
        return new AwsCredentials(accessKeyId, secretAccessKey, sessionToken, profileName, region, endpointOverride,
                Objects.requireNonNull(arn, "roleArn"));
    }

    /**
     * A synchronous client of any AWS service on the class path ({@code SecretsManagerClient},
     * {@code S3Client}, ...) configured with these credentials, region and endpoint, using the
     * JDK's {@code HttpURLConnection} client and the SDK's standard retries. Cached per
     * {@link dev.sluice.SluiceRuntime}: under one runtime, blocks with equal fields share one client
     * per type, closed when that runtime is closed (the default runtime: when the JVM exits); two
     * runtimes never share one. Do not close it yourself.
     *
     * @throws IllegalArgumentException if {@code type} is not a synchronous AWS SDK v2 client interface
     * @throws AwsSecretException if no region can be found
     * @throws IllegalStateException if the current runtime is closed
     */
    public <T extends SdkClient> T client(Class<T> type) {
        return AwsClients.client(this, type);
    }

    /** The Secrets Manager client of {@link #client(Class)}. */
    public SecretsManagerClient secretsManager() {
        return client(SecretsManagerClient.class);
    }

    /** The SDK credentials provider these settings stand for (cached per runtime like {@link #client(Class)}). */
    public AwsCredentialsProvider credentialsProvider() {
        return AwsClients.credentialsProvider(this);
    }

    /** For messages: the region (or "default region") and the endpoint if overridden; never a key. */
    public String describe() {
        return "region " + (region != null ? region : "from the default chain")
                + (endpointOverride != null ? ", endpoint " + endpointOverride : "");
    }
}
