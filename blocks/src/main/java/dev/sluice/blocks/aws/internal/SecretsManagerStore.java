package dev.sluice.blocks.aws.internal;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private final AwsCredentials credentials;
    private final String prefix;
    private final Duration ttl;
    private final Map<BlockId, Cached> cache = new ConcurrentHashMap<>();
    /** Bumped by every change through this store; a read only fills the cache if none happened meanwhile. */
    private final AtomicLong generation = new AtomicLong();

    private record Cached(Optional<String> document, Instant expiresAt) {
    }

    public SecretsManagerStore(AwsCredentials credentials, String prefix, Duration ttl) {
        this.credentials = credentials;
        this.prefix = prefix;
        this.ttl = ttl;
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
        return credentials.secretsManager();
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
        Optional<String> document = call("read", id, () -> {
            try {
                SecretsManagerCalls.Value v = SecretsManagerCalls.get(client(), name, SecretVersion.current());
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
        try {
            return call("save", id, () -> {
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
            return call("delete", id, () -> {
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
        return call("list", null, () -> {
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

    private <T> T call(String action, @Nullable BlockId id, Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkException e) {
            AwsSecretException cause = AwsErrors.translate(e, action.equals("list") ? "list" : action,
                    id == null ? null : secretName(id), credentials.describe());
            throw new BlockException(description() + ": cannot " + action
                    + (id == null ? " blocks" : " block '" + id + "'") + ": " + cause.getMessage(), cause);
        }
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
