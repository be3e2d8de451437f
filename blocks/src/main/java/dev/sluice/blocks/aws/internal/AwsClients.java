package dev.sluice.blocks.aws.internal;

import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecretException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Builds and caches SDK clients and credential providers per {@link AwsCredentials} value. */
public final class AwsClients {
    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);
    /** Attempts per API call, throttling and 5xx included. */
    public static final int MAX_ATTEMPTS = 4;
    private static final Map<AwsCredentials, AwsCredentialsProvider> PROVIDERS = new ConcurrentHashMap<>();
    private static final Map<Key, SdkClient> CLIENTS = new ConcurrentHashMap<>();

    private record Key(AwsCredentials credentials, Class<?> type) {
    }

    private AwsClients() {
    }

    /** The cached client of {@code type} for {@code credentials}. */
    public static <T extends SdkClient> T client(AwsCredentials credentials, Class<T> type) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(type, "type");
        return type.cast(CLIENTS.computeIfAbsent(new Key(credentials, type), k -> build(credentials, type)));
    }

    /** The cached credentials provider for {@code credentials}. */
    public static AwsCredentialsProvider credentialsProvider(AwsCredentials credentials) {
        return PROVIDERS.computeIfAbsent(credentials, AwsClients::provider);
    }

    /** The region the clients of {@code credentials} use. */
    public static Region region(AwsCredentials credentials) {
        if (credentials.region() != null) {
            return Region.of(credentials.region());
        }
        try {
            DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
            if (credentials.profileName() != null) {
                chain.profileName(credentials.profileName());
            }
            return chain.build().getRegion();
        } catch (SdkClientException e) {
            throw new AwsSecretException("no AWS region is configured: set region on the AwsCredentials block"
                    + " (withRegion(\"eu-west-1\")) or the AWS_REGION environment variable", null,
                    AwsSecretException.Reason.CONFIGURATION, e);
        }
    }

    private static AwsCredentialsProvider provider(AwsCredentials c) {
        AwsCredentialsProvider base;
        if (c.accessKeyId() != null) {
            String secret = Objects.requireNonNull(c.secretAccessKey()).reveal();
            Secret token = c.sessionToken();
            base = StaticCredentialsProvider.create(token != null
                    ? AwsSessionCredentials.create(c.accessKeyId(), secret, token.reveal())
                    : AwsBasicCredentials.create(c.accessKeyId(), secret));
        } else if (c.profileName() != null) {
            base = ProfileCredentialsProvider.create(c.profileName());
        } else {
            base = DefaultCredentialsProvider.builder().build();
        }
        if (c.roleArn() == null) {
            return base;
        }
        StsClient sts = (StsClient) configure(StsClient.builder(), c, base);
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(c.roleArn()).roleSessionName("sluice")).build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SdkClient> T build(AwsCredentials credentials, Class<T> type) {
        Object builder;
        try {
            Method factory = type.getMethod("builder");
            builder = factory.invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException(type.getName() + " is not an AWS SDK v2 client interface with builder()", e);
        }
        if (!(builder instanceof AwsClientBuilder<?, ?> && builder instanceof SdkSyncClientBuilder<?, ?>)) {
            throw new IllegalArgumentException(type.getName() + " is not a synchronous AWS SDK v2 client; use e.g."
                    + " SecretsManagerClient.class, not the async client");
        }
        LOG.debug("creating {} for AWS {}", type.getSimpleName(), credentials.describe());
        return (T) configure((AwsClientBuilder<?, ?> & SdkSyncClientBuilder<?, ?>) builder, credentials,
                credentialsProvider(credentials));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <B extends AwsClientBuilder & SdkSyncClientBuilder> Object configure(B builder, AwsCredentials c,
            AwsCredentialsProvider provider) {
        builder.credentialsProvider(provider);
        builder.region(region(c));
        if (c.endpointOverride() != null) {
            builder.endpointOverride(URI.create(c.endpointOverride()));
        }
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(30)));
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(10));
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .retryStrategy(r -> r.maxAttempts(MAX_ATTEMPTS).backoffStrategy(backoff).throttlingBackoffStrategy(backoff))
                .apiCallAttemptTimeout(Duration.ofSeconds(30))
                .apiCallTimeout(Duration.ofMinutes(2))
                .build());
        return builder.build();
    }
}
