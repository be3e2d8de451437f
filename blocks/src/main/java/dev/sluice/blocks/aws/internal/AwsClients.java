package dev.sluice.blocks.aws.internal;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecretException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The SDK clients and credential providers of one {@link SluiceRuntime}, per {@link AwsCredentials}
 * value: built on first use and closed with the runtime (it is a {@link SluiceRuntime.Resource}).
 */
public final class AwsClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsClients.class);
    /** Attempts per API call of the clients {@link AwsCredentials#client} hands out, throttling and 5xx included. */
    public static final int MAX_ATTEMPTS = 4;
    /** The clients of each runtime; closed with it. */
    static final SluiceRuntime.Resource<AwsClients> RESOURCE =
            SluiceRuntime.Resource.of("sluice-blocks AWS clients", runtime -> new AwsClients());

    /** Read without a lock, changed under {@code this}, like {@link #clients}. */
    private final Map<AwsCredentials, AwsCredentialsProvider> providers = new ConcurrentHashMap<>();
    private final Map<Key, SdkClient> clients = new ConcurrentHashMap<>();
    /** Everything built that holds threads or connections, in the order built; guarded by {@code this}. */
    private final List<AutoCloseable> built = new ArrayList<>();
    private volatile boolean closed;

    private record Key(AwsCredentials credentials, Class<?> type, Settings settings) {
    }

    /**
     * How a client talks to AWS: the connect timeout, the time one attempt may take, the time the
     * whole call may take (all attempts and the waits between them), and the attempts per call.
     *
     * @param connectTimeout time to open a connection
     * @param attemptTimeout time for one attempt, from sending to the whole answer
     * @param callTimeout    time for the whole call, all attempts included
     * @param maxAttempts    attempts per call (throttling, 5xx and network failures are retried)
     */
    public record Settings(Duration connectTimeout, Duration attemptTimeout, Duration callTimeout, int maxAttempts) {
        /** What {@link AwsCredentials#client} uses: connect 10 s, attempt 30 s, call 2 min, 4 attempts. */
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofMinutes(2), MAX_ATTEMPTS);

        /** Validates. */
        public Settings {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(attemptTimeout, "attemptTimeout");
            Objects.requireNonNull(callTimeout, "callTimeout");
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
        }
    }

    private AwsClients() {
    }

    /** The clients of the runtime of the calling code ({@link SluiceRuntime#current()}). */
    public static AwsClients current() {
        return SluiceRuntime.current().resource(RESOURCE);
    }

    /** The current runtime's client of {@code type} for {@code credentials}. */
    public static <T extends SdkClient> T client(AwsCredentials credentials, Class<T> type) {
        return current().clientFor(credentials, type);
    }

    /** The current runtime's credentials provider for {@code credentials}. */
    public static AwsCredentialsProvider credentialsProvider(AwsCredentials credentials) {
        return current().providerFor(credentials);
    }

    /**
     * The client of {@code type} for {@code credentials}, built on first use (under this object's
     * lock, so equal credentials never get two); a built one is found without a lock.
     *
     * @throws IllegalStateException once {@link #close()} was called
     */
    public <T extends SdkClient> T clientFor(AwsCredentials credentials, Class<T> type) {
        return clientFor(credentials, type, Settings.DEFAULT);
    }

    /** As {@link #clientFor(AwsCredentials, Class)}, for a client with {@code settings}. */
    public <T extends SdkClient> T clientFor(AwsCredentials credentials, Class<T> type, Settings settings) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(settings, "settings");
        checkOpen();
        Key key = new Key(credentials, type, settings);
        SdkClient client = clients.get(key);
        if (client == null) {
            synchronized (this) {
                checkOpen();
                client = clients.get(key);
                if (client == null) {
                    client = build(credentials, type, providerFor(credentials), settings);
                    clients.put(key, client);
                    built.add(client);
                }
            }
        }
        return type.cast(client);
    }

    /**
     * The credentials provider for {@code credentials}, built on first use like {@link #clientFor}.
     *
     * @throws IllegalStateException once {@link #close()} was called
     */
    public AwsCredentialsProvider providerFor(AwsCredentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        checkOpen();
        AwsCredentialsProvider provider = providers.get(credentials);
        if (provider == null) {
            synchronized (this) {
                checkOpen();
                provider = providers.get(credentials);
                if (provider == null) {
                    provider = provider(credentials, built);
                    providers.put(credentials, provider);
                    if (provider instanceof AutoCloseable c) {
                        built.add(c);
                    }
                }
            }
        }
        return provider;
    }

    /** How many SDK clients are open (the STS clients behind assumed roles included). */
    public synchronized int openClients() {
        return (int) built.stream().filter(SdkClient.class::isInstance).count();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the SluiceRuntime these AWS clients belong to is closed");
        }
    }

    /** Closes every client and provider, the last built first: called when the runtime closes. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(built);
            built.clear();
            clients.clear();
            providers.clear();
        }
        for (int i = toClose.size() - 1; i >= 0; i--) {
            AutoCloseable c = toClose.get(i);
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", c.getClass().getSimpleName(), e);
            }
        }
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

    /** A provider for {@code c}; an STS client it needs is added to {@code built}. */
    private static AwsCredentialsProvider provider(AwsCredentials c, List<AutoCloseable> built) {
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
        StsClient sts = (StsClient) configure(StsClient.builder(), c, base, Settings.DEFAULT);
        built.add(sts);
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(c.roleArn()).roleSessionName("sluice")).build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SdkClient> T build(AwsCredentials credentials, Class<T> type, AwsCredentialsProvider provider,
            Settings settings) {
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
        return (T) configure((AwsClientBuilder<?, ?> & SdkSyncClientBuilder<?, ?>) builder, credentials, provider, settings);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <B extends AwsClientBuilder & SdkSyncClientBuilder> Object configure(B builder, AwsCredentials c,
            AwsCredentialsProvider provider, Settings settings) {
        SdkLogs.keepCredentialsOutOfDebugLogs();
        builder.credentialsProvider(provider);
        builder.region(region(c));
        if (c.endpointOverride() != null) {
            builder.endpointOverride(URI.create(c.endpointOverride()));
        }
        builder.httpClientBuilder(UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout()).socketTimeout(settings.attemptTimeout()));
        BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(200), Duration.ofSeconds(10));
        builder.overrideConfiguration(ClientOverrideConfiguration.builder()
                .retryStrategy(r -> r.maxAttempts(settings.maxAttempts()).backoffStrategy(backoff)
                        .throttlingBackoffStrategy(backoff))
                .apiCallAttemptTimeout(settings.attemptTimeout())
                .apiCallTimeout(settings.callTimeout())
                .build());
        return builder.build();
    }
}
