package dev.sluice.internal.blocks;

import dev.sluice.internal.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;

/**
 * The default store: {@code <home>/blocks/<slug>/<name>.json}, one file per block, each secret
 * value replaced by {@code {"$encrypted": "..."}} (AES-256-GCM, bound to the block and the field).
 * Writes go to a temporary file that is synced and renamed over the target, under a lock that
 * serialises writers in this JVM and across processes.
 */
public final class FileBlockStore implements BlockStore {
    static final String ENCRYPTED = "$encrypted";
    private static final int FORMAT = 1;
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Supplier<Path> home;
    private final Map<String, String> env;

    public FileBlockStore(Supplier<Path> home, Map<String, String> env) {
        this.home = home;
        this.env = Map.copyOf(env);
    }

    private Path dir() {
        return home.get().resolve("blocks").toAbsolutePath().normalize();
    }

    private Path keyFile() {
        return home.get().resolve("master.key").toAbsolutePath().normalize();
    }

    private Path file(BlockId id) {
        return dir().resolve(id.type()).resolve(id.name() + ".json");
    }

    @Override
    public Optional<String> read(BlockId id) {
        Path file = file(id);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlockException("cannot read block file " + file + ": " + e.getMessage(), e);
        }
        ObjectNode envelope = Documents.parseObject(text, "block file " + file);
        JsonNode data = envelope.get("data");
        if (data == null || !data.isObject()) {
            throw new BlockException("block file " + file + " has no \"data\" object; fix it or delete it and save the block again");
        }
        String type = envelope.path("type").asText(id.type());
        String name = envelope.path("name").asText(id.name());
        if (!type.equals(id.type()) || !name.equals(id.name())) {
            throw new BlockException("block file " + file + " holds block '" + type + "/" + name + "', not '" + id
                    + "'; it was moved or copied by hand: move it back or save the block again");
        }
        if (hasEncrypted(data)) {
            MasterKey key = MasterKey.find(env, keyFile());
            String savedWith = envelope.path("keyId").asText("?");
            if (key == null) {
                throw new BlockException("block '" + id + "' in " + file + " has encrypted secrets but there is no master key: "
                        + MASTER_KEY_VARIABLE + " is not set and " + keyFile() + " does not exist; set "
                        + MASTER_KEY_VARIABLE + " to the key it was saved with (key id " + savedWith + ") or restore the key file");
            }
            if (!savedWith.equals(key.id())) {
                throw new BlockException("block '" + id + "' in " + file + " was saved with master key id " + savedWith
                        + " but the key in use (" + key.source() + ") has id " + key.id() + "; use the key it was saved"
                        + " with, or save the block again");
            }
            decrypt((ObjectNode) data, id, key, "", file);
        }
        return Optional.of(Documents.print(data));
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        ObjectNode data = Documents.parseObject(document, "the document for block '" + id + "'");
        Path file = file(id);
        return locked(() -> {
            if (!overwrite && Files.exists(file)) {
                return false;
            }
            ObjectNode envelope = Documents.JSON.createObjectNode();
            envelope.put("format", FORMAT);
            envelope.put("type", id.type());
            envelope.put("name", id.name());
            envelope.put("savedAt", Instant.now().toString());
            if (hasSecrets(data)) {
                MasterKey key = MasterKey.findOrCreate(env, keyFile());
                envelope.put("keyId", key.id());
                encrypt(data, id, key, "");
            }
            envelope.set("data", data);
            writeAtomically(file, Documents.printPretty(envelope));
            return true;
        });
    }

    @Override
    public boolean delete(BlockId id) {
        Path file = file(id);
        return locked(() -> {
            try {
                return Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new BlockException("cannot delete block file " + file + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public List<BlockId> list() {
        Path dir = dir();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<BlockId> ids = new ArrayList<>();
        try (DirectoryStream<Path> types = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path typeDir : types) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(typeDir, "*.json")) {
                    for (Path f : files) {
                        String fileName = f.getFileName().toString();
                        try {
                            ids.add(new BlockId(typeDir.getFileName().toString(),
                                    fileName.substring(0, fileName.length() - ".json".length())));
                        } catch (IllegalArgumentException e) {
                            // a file that is not a block (a temporary file, something put there by hand)
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new BlockException("cannot list block files in " + dir + ": " + e.getMessage(), e);
        }
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    @Override
    public String description() {
        return "file store " + dir();
    }

    @Override
    public String toString() {
        return description();
    }

    // ------------------------------------------------------------------ encryption

    private static boolean hasSecrets(JsonNode node) {
        if (Documents.isSecret(node)) {
            return true;
        }
        for (JsonNode child : node) {
            if (hasSecrets(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasEncrypted(JsonNode node) {
        if (isEncrypted(node)) {
            return true;
        }
        for (JsonNode child : node) {
            if (hasEncrypted(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEncrypted(JsonNode node) {
        return node.isObject() && node.size() == 1 && node.path(ENCRYPTED).isTextual();
    }

    private static String aad(BlockId id, String path) {
        return "sluice-block:" + id + ":" + path;
    }

    /** Replaces each {"$secret": v} under {@code node} by {"$encrypted": ...}. */
    private static void encrypt(JsonNode node, BlockId id, MasterKey key, String path) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                String p = path + "/" + e.getKey();
                if (Documents.isSecret(e.getValue())) {
                    e.setValue(sealed(key.encrypt(e.getValue().get(Documents.SECRET).asText(), aad(id, p))));
                } else {
                    encrypt(e.getValue(), id, key, p);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String p = path + "/" + i;
                if (Documents.isSecret(array.get(i))) {
                    array.set(i, sealed(key.encrypt(array.get(i).get(Documents.SECRET).asText(), aad(id, p))));
                } else {
                    encrypt(array.get(i), id, key, p);
                }
            }
        }
    }

    private static ObjectNode sealed(String value) {
        return Documents.JSON.createObjectNode().put(ENCRYPTED, value);
    }

    private static ObjectNode secret(String value) {
        return Documents.JSON.createObjectNode().put(Documents.SECRET, value);
    }

    /** Replaces each {"$encrypted": ...} under {@code node} by {"$secret": v}. */
    private static void decrypt(JsonNode node, BlockId id, MasterKey key, String path, Path file) {
        if (node instanceof ObjectNode object) {
            for (Map.Entry<String, JsonNode> e : object.properties()) {
                String p = path + "/" + e.getKey();
                if (isEncrypted(e.getValue())) {
                    e.setValue(secret(open(e.getValue(), id, key, p, file)));
                } else {
                    decrypt(e.getValue(), id, key, p, file);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String p = path + "/" + i;
                if (isEncrypted(array.get(i))) {
                    array.set(i, secret(open(array.get(i), id, key, p, file)));
                } else {
                    decrypt(array.get(i), id, key, p, file);
                }
            }
        }
    }

    private static String open(JsonNode sealed, BlockId id, MasterKey key, String path, Path file) {
        String field = path.substring(1).replace('/', '.');
        try {
            return key.decrypt(sealed.get(ENCRYPTED).asText(), aad(id, path));
        } catch (AEADBadTagException | IllegalArgumentException e) {
            throw new BlockException("secret field '" + field + "' of block '" + id + "' in " + file
                    + " cannot be decrypted although the master key matches: the file was altered or is corrupt;"
                    + " save the block again");
        }
    }

    // ------------------------------------------------------------------ files and locking

    @FunctionalInterface
    private interface Locked<T> {
        T run() throws IOException;
    }

    private <T> T locked(Locked<T> body) {
        Path dir = dir();
        ReentrantLock lock = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                FileLock fileLock = channel.lock();
                try {
                    return body.run();
                } finally {
                    fileLock.release();
                }
            }
        } catch (IOException e) {
            throw new BlockException("cannot write to the block store in " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path parent = file.getParent();
        Files.createDirectories(parent);
        AtomicFiles.replace(createOwnerOnly(parent, "." + file.getFileName()), file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A new empty temporary file in {@code dir}, readable and writable by its owner only where the file system allows. */
    static Path createOwnerOnly(Path dir, String prefix) throws IOException {
        try {
            return Files.createTempFile(dir, prefix, ".tmp", MasterKey.ownerOnly());
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
    }

}
