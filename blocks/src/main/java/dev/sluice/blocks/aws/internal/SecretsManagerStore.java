package dev.sluice.blocks.aws.internal;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStoreUnavailableException;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecretException;
import dev.sluice.blocks.aws.SecretVersion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/** The block store on Secrets Manager, with its read cache. */
public final class SecretsManagerStore {
    private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerStore.class);
    /** Secrets Manager's limit on a secret value. */
    public static final int MAX_SECRET_BYTES = 65_536;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AwsCredentials credentials;
    private final String prefix;
    private final Duration ttl;
    private final AwsClients.Settings settings;
    private final Map<BlockId, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every change through this store; a read only fills the cache if none happened meanwhile. */
    private final AtomicLong generation = new AtomicLong();

    private record Cached(Optional<String> document, Instant expiresAt) {
    }

    /**
     * A store under {@code prefix}; each call may take {@code connectTimeout} to connect and
     * {@code callTimeout} in all (every attempt and the waits between them).
     */
    public SecretsManagerStore(AwsCredentials credentials, String prefix, Duration ttl, Duration connectTimeout,
            Duration callTimeout) {
        this.credentials = credentials;
        this.prefix = prefix;
        this.ttl = ttl;
        // one attempt may use the whole call timeout: a server that answers slowly once still answers
        this.settings = new AwsClients.Settings(connectTimeout, callTimeout, callTimeout, MAX_ATTEMPTS);
    }

    /** Attempts per call: a refused connection or a 5xx is tried again twice, within the call timeout. */
    public static final int MAX_ATTEMPTS = 3;

    public Duration connectTimeout() {
        return settings.connectTimeout();
    }

    public Duration callTimeout() {
        return settings.callTimeout();
    }

    public AwsCredentials credentials() {
        return credentials;
    }

    public String prefix() {
        return prefix;
    }

    public Duration ttl() {
        return ttl;
    }

    public String secretName(BlockId id) {
        return prefix + "/" + id.type() + "/" + id.name();
    }

    public void clearCache() {
        generation.incrementAndGet();
        cache.clear();
    }

    public String description() {
        return "AWS Secrets Manager store (secrets " + prefix + "/<type>/<name>, " + credentials.describe() + ")";
    }

    private SecretsManagerClient client() {
        return AwsClients.current().clientFor(credentials, SecretsManagerClient.class, settings);
    }

    public Optional<String> read(BlockId id) {
        // the clock of the runtime reading (the one this store belongs to), so tests can move time
        Clock clock = SluiceRuntime.current().clock();
        Cached hit = cache.get(id);
        if (hit != null && clock.instant().isBefore(hit.expiresAt())) {
            return hit.document();
        }
        long before = generation.get();
        String name = secretName(id);
        Optional<String> document = call("read", id, List.of(), () -> {
            try {
                SecretsManagerCalls.Value v = SecretsManagerCalls.get(client(), name, SecretVersion.current());
                if (v.text() == null && v.binary() == null) {
                    // no Secrets Manager answer (a proxy or a stub at the endpoint): AWS did not answer, as with
                    // an answer that does not parse; not a broken block
                    throw new BlockStoreUnavailableException(description() + ": cannot read block '" + id + "': the"
                            + " endpoint answered GetSecretValue for secret '" + name + "' without a value (no SecretString,"
                            + " no SecretBinary); is it AWS Secrets Manager (" + credentials.describe() + ")?", null);
                }
                return Optional.of(v.text() != null ? v.text() : gunzip(v.bytes(), name));
            } catch (ResourceNotFoundException e) {
                return Optional.empty();
            } catch (InvalidRequestException e) {
                if (AwsErrors.scheduledForDeletion(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
        if (!ttl.isZero()) {
            synchronized (cache) {
                if (generation.get() == before) {
                    cache.put(id, new Cached(document, clock.instant().plus(ttl)));
                }
            }
        }
        return document;
    }

    public boolean write(BlockId id, String document, boolean overwrite) {
        String name = secretName(id);
        String text = document;
        byte[] binary = null;
        if (document.getBytes(StandardCharsets.UTF_8).length > MAX_SECRET_BYTES) {
            binary = gzip(document);
            text = null;
            if (binary.length > MAX_SECRET_BYTES) {
                throw new BlockException("block '" + id + "' is " + document.length() + " characters, "
                        + binary.length + " bytes compressed; a Secrets Manager secret holds at most "
                        + MAX_SECRET_BYTES + " bytes (" + description() + ")");
            }
        }
        String description = "Sluice block " + id;
        String t = text;
        byte[] b = binary;
        List<String> hidden = secretValues(document);
        try {
            return call("save", id, hidden, () -> {
                try {
                    if (overwrite) {
                        SecretsManagerCalls.write(client(), name, t, b, description);
                        return true;
                    }
                    SecretsManagerCalls.create(client(), name, t, b, description);
                    return true;
                } catch (ResourceExistsException exists) {
                    return false;
                } catch (InvalidRequestException e) {
                    if (!AwsErrors.scheduledForDeletion(e)) {
                        throw e;
                    }
                    // deleted with a recovery window elsewhere: for the store it does not exist
                    LOG.debug("restoring secret {}, scheduled for deletion, to save block {}", name, id);
                    client().restoreSecret(r -> r.secretId(name));
                    SecretsManagerCalls.put(client(), name, t, b);
                    return true;
                }
            });
        } finally {
            invalidate(id);
        }
    }

    public boolean delete(BlockId id) {
        String name = secretName(id);
        try {
            return call("delete", id, List.of(), () -> {
                try {
                    DescribeSecretResponse d = client().describeSecret(r -> r.secretId(name));
                    if (d.deletedDate() != null) {
                        return false;
                    }
                    SecretsManagerCalls.delete(client(), name, 0);
                    return true;
                } catch (ResourceNotFoundException e) {
                    return false;
                }
            });
        } finally {
            invalidate(id);
        }
    }

    public List<BlockId> list() {
        String start = prefix + "/";
        return call("list", null, List.of(), () -> {
            List<BlockId> ids = new ArrayList<>();
            String token = null;
            do {
                String next = token;
                ListSecretsResponse page = client().listSecrets(r -> r.maxResults(100).nextToken(next)
                        .filters(Filter.builder().key(FilterNameStringType.NAME).values(start).build()));
                for (SecretListEntry e : page.secretList()) {
                    // the name filter is a case-insensitive prefix match; keep exact matches only
                    if (e.deletedDate() == null && e.name() != null && e.name().startsWith(start)) {
                        parse(e.name().substring(start.length())).ifPresent(ids::add);
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
            ids.sort(null);
            return List.copyOf(ids);
        });
    }

    private static Optional<BlockId> parse(String rest) {
        try {
            return Optional.of(BlockId.parse(rest));
        } catch (IllegalArgumentException notABlock) {
            return Optional.empty();
        }
    }

    private void invalidate(BlockId id) {
        synchronized (cache) {
            generation.incrementAndGet();
            cache.remove(id);
        }
    }

    /**
     * Runs {@code body}, turning an SDK failure into a {@link BlockException} caused by an
     * {@link AwsSecretException}: a {@link BlockStoreUnavailableException} when AWS could not be
     * reached or answer in time, kept throttling, or failed with a server error (an outage, which
     * a chain of stores reads around), else a plain one (a denied permission, a bad setting).
     * {@code hidden} (and every revealed secret) is masked in the message and the causes.
     */
    private <T> T call(String action, @Nullable BlockId id, List<String> hidden, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            AwsSecretException cause = AwsErrors.translate(e, action, id == null ? null : secretName(id),
                    credentials.describe(), MAX_ATTEMPTS, hidden);
            String message = description() + ": cannot " + action + (id == null ? " blocks" : " block '" + id + "'")
                    + ": " + cause.getMessage();
            if (outage(e, cause.reason())) {
                throw new BlockStoreUnavailableException(message + " (connect timeout " + human(connectTimeout())
                        + ", call timeout " + human(callTimeout()) + ")", cause);
            }
            throw new BlockException(message, cause);
        }
    }

    /** Whether {@code e} says AWS is out of reach or out of service, not that something is wrong with the request. */
    static boolean outage(SdkException e, AwsSecretException.Reason reason) {
        return switch (reason) {
            case NETWORK, THROTTLED -> true;
            case OTHER -> e instanceof AwsServiceException s && s.statusCode() >= 500;
            default -> false;
        };
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /**
     * The secret values of a block document (each {@code {"$secret": "..."}}), registered with this
     * JVM's masker, and the document itself: what an AWS error must never echo.
     */
    private static List<String> secretValues(String document) {
        List<String> values = new ArrayList<>();
        values.add(document);
        try {
            collect(JSON.readTree(document), values);
        } catch (IOException | RuntimeException notJson) {
            // not a document Blocks wrote: the whole text is masked all the same
        }
        return values;
    }

    private static void collect(JsonNode node, List<String> values) {
        if (node.isObject() && node.size() == 1 && node.path("$secret").isTextual()) {
            String value = node.get("$secret").asText();
            values.add(Secret.of(value).reveal());
            return;
        }
        node.forEach(child -> collect(child, values));
    }

    private static byte[] gzip(String document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(document.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String gunzip(byte[] data, String name) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BlockException("secret '" + name + "' holds binary data that is not a gzip-compressed Sluice"
                    + " block; was it written by something else?", e);
        }
    }
}
