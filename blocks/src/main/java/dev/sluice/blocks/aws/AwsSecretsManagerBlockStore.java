package dev.sluice.blocks.aws;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
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
 * recovery window, so the name can be saved again at once. The Secrets Manager client is the one
 * {@link AwsCredentials#client(Class)} gives under the runtime using the store, closed with it.
 * Throttling and 5xx answers are retried with backoff by the SDK; failures are
 * {@link BlockException}s whose cause is an {@link AwsSecretException}.
 *
 * <p>Selected by name {@code aws-secrets-manager} in {@code SLUICE_BLOCK_STORE}, it reads
 * {@code SLUICE_AWS_SECRETS_PREFIX} (default {@code sluice}), {@code SLUICE_AWS_REGION} and
 * {@code SLUICE_AWS_ENDPOINT} from the environment and uses the SDK's default credential chain.
 * The IAM rights it needs on {@code arn:...:secret:<prefix>/*}: {@code GetSecretValue},
 * {@code CreateSecret}, {@code PutSecretValue}, {@code DescribeSecret}, {@code DeleteSecret},
 * {@code RestoreSecret}, and {@code ListSecrets}.
 */
public final class AwsSecretsManagerBlockStore implements BlockStore {
    /** The prefix {@link #of(AwsCredentials)} uses. */
    public static final String DEFAULT_PREFIX = "sluice";
    /** The read cache time-to-live {@link #of} uses. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
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
        return new AwsSecretsManagerBlockStore(new SecretsManagerStore(credentials, prefix, DEFAULT_CACHE_TTL));
    }

    /** A store like this one whose read cache keeps entries for {@code ttl}; zero turns the cache off. */
    public AwsSecretsManagerBlockStore withCacheTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
        }
        return new AwsSecretsManagerBlockStore(new SecretsManagerStore(store.credentials(), store.prefix(), ttl));
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
