package dev.sluice.blocks.aws;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreUnavailableException;
import dev.sluice.blocks.aws.internal.SecretsManagerStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link BlockStore} that keeps each block as one AWS Secrets Manager secret named
 * {@code <prefix>/<slug>/<name>} (for example {@code sluice/database-credentials/warehouse}),
 * holding the block's JSON document; AWS encrypts it with KMS. Documents over Secrets Manager's
 * 64 KB limit are stored gzip-compressed as binary.
 *
 * <pre>{@code
 * SluiceRuntime runtime = SluiceRuntime.builder()
 *         .blockStore(AwsSecretsManagerBlockStore.of(AwsCredentials.defaultChain().withRegion("eu-west-1")))
 *         .build();
 * // or, for the default runtime without code: SLUICE_BLOCK_STORE=aws-secrets-manager,file  (see below)
 * }</pre>
 *
 * <p>Reads are cached for {@link #cacheTtl()} (default 5 minutes, per store instance), so a flow
 * that loads the same block in 1,000 task runs makes one API call, not 1,000; saves and deletes
 * through this store update the cache at once, changes made elsewhere are seen after the TTL.
 * The cache expires by the clock of the runtime reading. A delete removes the secret without a
 * recovery window, so the name can be saved again at once.
 *
 * <h2>Timeouts and outages</h2>
 * Each call to AWS may take {@link #connectTimeout()} (default {@value #DEFAULT_CONNECT_SECONDS} s)
 * to connect and {@link #callTimeout()} (default {@value #DEFAULT_CALL_SECONDS} s) in all: up to 3
 * attempts with backoff (a refused connection, throttling, a 5xx), each allowed the whole call
 * timeout, so an endpoint that accepts connections and never answers fails after the call timeout.
 * Obtaining credentials comes on top where it needs a call of its own (STS for a role, the instance
 * metadata service for the default chain), bounded by those clients' timeouts. Set them with
 * {@link #withTimeouts}. The SDK client is made per runtime for these settings and closed with it.
 *
 * <p>Failures are {@link BlockException}s whose cause is an {@link AwsSecretException}. When AWS
 * could not be reached or answer in time, kept throttling, or failed with a 5xx, the exception is a
 * {@link BlockStoreUnavailableException}: in a chain such as {@code SLUICE_BLOCK_STORE=aws-secrets-manager,file}
 * reads and lists go on with the other stores, with a warning naming this one, which is asked again
 * every 30 s (see {@link BlockStore#chain}). So with AWS down, loading a block of the file store
 * takes at most one call timeout (5 s by default), and no wait at all for the next 30 s. A denied
 * permission or a missing region is not an outage: it fails the load, chain or not.
 *
 * <p>Selected by name {@code aws-secrets-manager} in {@code SLUICE_BLOCK_STORE}, it reads
 * {@code SLUICE_AWS_SECRETS_PREFIX} (default {@code sluice}), {@code SLUICE_AWS_REGION},
 * {@code SLUICE_AWS_ENDPOINT}, {@code SLUICE_AWS_CONNECT_TIMEOUT} and {@code SLUICE_AWS_CALL_TIMEOUT}
 * (seconds, or ISO-8601 such as {@code PT1.5S}) from the environment and uses the SDK's default
 * credential chain.
 * The IAM rights it needs on {@code arn:...:secret:<prefix>/*}: {@code GetSecretValue},
 * {@code CreateSecret}, {@code PutSecretValue}, {@code DescribeSecret}, {@code DeleteSecret},
 * {@code RestoreSecret}, and {@code ListSecrets}.
 */
public final class AwsSecretsManagerBlockStore implements BlockStore {
    /** The prefix {@link #of(AwsCredentials)} uses. */
    public static final String DEFAULT_PREFIX = "sluice";
    /** The read cache time-to-live {@link #of} uses. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    /** The connect timeout {@link #of} uses, in seconds. */
    public static final int DEFAULT_CONNECT_SECONDS = 2;
    /** The call timeout {@link #of} uses, in seconds. */
    public static final int DEFAULT_CALL_SECONDS = 5;
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*");

    private final SecretsManagerStore store;

    private AwsSecretsManagerBlockStore(SecretsManagerStore store) {
        this.store = store;
    }

    /** A store under {@link #DEFAULT_PREFIX} reached with {@code credentials}. */
    public static AwsSecretsManagerBlockStore of(AwsCredentials credentials) {
        return of(credentials, DEFAULT_PREFIX);
    }

    /**
     * A store keeping blocks under {@code prefix} ({@code "teams/data/sluice"}: letters, digits,
     * {@code _+=.@-}, segments separated by {@code '/'}, no leading or trailing {@code '/'}).
     */
    public static AwsSecretsManagerBlockStore of(AwsCredentials credentials, String prefix) {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(prefix, "prefix");
        if (!PREFIX.matcher(prefix).matches() || prefix.length() > 256) {
            throw new IllegalArgumentException("prefix '" + prefix + "' is not allowed: use up to 256 letters, digits"
                    + " and _+=.@- in segments separated by '/', without a leading or trailing '/'");
        }
        return new AwsSecretsManagerBlockStore(new SecretsManagerStore(credentials, prefix, DEFAULT_CACHE_TTL,
                Duration.ofSeconds(DEFAULT_CONNECT_SECONDS), Duration.ofSeconds(DEFAULT_CALL_SECONDS)));
    }

    /** A store like this one whose read cache keeps entries for {@code ttl}; zero turns the cache off. */
    public AwsSecretsManagerBlockStore withCacheTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
        }
        return new AwsSecretsManagerBlockStore(new SecretsManagerStore(store.credentials(), store.prefix(), ttl,
                store.connectTimeout(), store.callTimeout()));
    }

    /**
     * A store like this one whose calls to AWS may take {@code connectTimeout} to connect and
     * {@code callTimeout} in all, every attempt included (each positive, at most 5 minutes).
     */
    public AwsSecretsManagerBlockStore withTimeouts(Duration connectTimeout, Duration callTimeout) {
        check(connectTimeout, "connectTimeout");
        check(callTimeout, "callTimeout");
        return new AwsSecretsManagerBlockStore(new SecretsManagerStore(store.credentials(), store.prefix(), store.ttl(),
                connectTimeout, callTimeout));
    }

    private static void check(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be positive and at most 5 minutes, was " + d);
        }
    }

    /** How long a call may take to connect. */
    public Duration connectTimeout() {
        return store.connectTimeout();
    }

    /** How long a call may take in all, every attempt and the waits between them included. */
    public Duration callTimeout() {
        return store.callTimeout();
    }

    /** The prefix of the secret names. */
    public String prefix() {
        return store.prefix();
    }

    /** How long a read is cached. */
    public Duration cacheTtl() {
        return store.ttl();
    }

    /** The secret name that holds {@code id}: {@code <prefix>/<slug>/<name>}. */
    public String secretName(BlockId id) {
        return store.secretName(Objects.requireNonNull(id, "id"));
    }

    /** Forgets every cached read, so the next reads go to AWS. */
    public void clearCache() {
        store.clearCache();
    }

    @Override
    public Optional<String> read(BlockId id) {
        return store.read(Objects.requireNonNull(id, "id"));
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        return store.write(Objects.requireNonNull(id, "id"), Objects.requireNonNull(document, "document"), overwrite);
    }

    @Override
    public boolean delete(BlockId id) {
        return store.delete(Objects.requireNonNull(id, "id"));
    }

    @Override
    public List<BlockId> list() {
        return store.list();
    }

    @Override
    public String description() {
        return store.description();
    }

    @Override
    public String toString() {
        return description();
    }
}
