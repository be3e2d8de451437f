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
import org.jspecify.annotations.Nullable;
import javax.crypto.AEADBadTagException;

/**
 * The default store: {@code <home>/blocks/<slug>/<name>.json}, one file per block, each secret
 * value replaced by {@code {"$encrypted": "..."}} (AES-256-GCM, bound to the block and the field).
 * Writes go to a temporary file that is synced and renamed over the target, under a lock that
 * serialises writers in this JVM and across processes.
 */
public final class FileBlockStore implements BlockStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileBlockStore.class);

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
        Optional<String> read = readBlock(id, file, false);
        // null: under another key, or none. A rotation may be under way in this or another process (it rewrites the
        // key file first, then each block, then drops the old keys), so the file and the key file may be of two
        // moments. Under the store's lock, which a rotation holds throughout, both are read again from one moment.
        return read != null ? read : lockedIfPossible(() -> readBlock(id, file, true));
    }

    /**
     * The block of {@code id} in {@code file}, its secrets decrypted; null when not {@code underLock} and it is under
     * another key than the one in use (or there is none). Under the lock, such a block is read with a kept old key
     * of a rotation cut short, or refused saying which key it needs.
     */
    private @Nullable Optional<String> readBlock(BlockId id, Path file, boolean underLock) {
        Optional<ObjectNode> envelope = envelope(id, file);
        if (envelope.isEmpty()) {
            return Optional.empty();
        }
        JsonNode data = envelope.get().get("data");
        if (!hasEncrypted(data)) {
            return Optional.of(Documents.print(data));
        }
        MasterKey key = MasterKey.find(env, keyFile());
        String savedWith = envelope.get().path("keyId").asText("?");
        if (key != null && savedWith.equals(key.id())) {
            decrypt((ObjectNode) data, id, key, "", file);
            return Optional.of(Documents.print(data));
        }
        if (!underLock) {
            return null;
        }
        if (key == null) {
            throw new BlockException("block '" + id + "' in " + file + " has encrypted secrets but there is no master key: "
                    + MASTER_KEY_VARIABLE + " is not set and " + keyFile() + " does not exist; set "
                    + MASTER_KEY_VARIABLE + " to the key it was saved with (key id " + savedWith + ") or restore the key file");
        }
        MasterKey old = MasterKey.backups(keyFile()).stream().filter(k -> k.id().equals(savedWith)).findFirst().orElse(null);
        if (old != null) { // a rotation was cut short: the block is still under the kept old key
            decrypt((ObjectNode) data, id, old, "", file);
            return Optional.of(Documents.print(data));
        }
        throw new BlockException("block '" + id + "' in " + file + " was saved with master key id " + savedWith
                + " but the key in use (" + key.source() + ") has id " + key.id() + "; use the key it was saved"
                + " with, or save the block again");
    }

    /** The parsed file of {@code id}, checked to hold that block, if there is one. */
    private static Optional<ObjectNode> envelope(BlockId id, Path file) {
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
        return Optional.of(envelope);
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
                MasterKey key = keyForSaving(id);
                envelope.put("keyId", key.id());
                encrypt(data, id, key, "");
            }
            envelope.set("data", data);
            writeAtomically(file, Documents.printPretty(envelope));
            return true;
        });
    }

    /**
     * The key to encrypt a new save with. A key is made only for a store that holds no encrypted
     * block yet: when blocks were saved under a key that is gone (the key file deleted, the variable
     * not set), or under another key, the save is refused, so the store never holds blocks under two
     * keys and nothing is encrypted under a key nobody backs up.
     */
    private MasterKey keyForSaving(BlockId id) throws IOException {
        MasterKey key = MasterKey.find(env, keyFile());
        java.util.Set<String> others = new java.util.TreeSet<>();
        for (BlockId existing : list()) {
            String keyId;
            try {
                keyId = keyIdOf(file(existing));
            } catch (BlockException unreadable) {
                // one damaged file (truncated, hand-edited) must not stop every other save: it cannot load either way
                LOG.warn("saving block '{}': {}; that file is left out of the master key check", id, unreadable.getMessage());
                continue;
            }
            if (keyId != null && (key == null || !keyId.equals(key.id()))) {
                others.add(keyId);
            }
        }
        if (others.isEmpty()) {
            return key != null ? key : MasterKey.findOrCreate(env, keyFile());
        }
        if (key == null) {
            throw new BlockException("cannot save block '" + id + "': the store " + dir() + " holds blocks encrypted with"
                    + " master key id " + others + ", but there is no master key (" + MASTER_KEY_VARIABLE + " is not set"
                    + " and " + keyFile() + " does not exist). Restore the key file from your backup, or set "
                    + MASTER_KEY_VARIABLE + " to that key; a new key is not made, so that the store never holds blocks"
                    + " under two keys (to start over, delete those blocks first)");
        }
        throw new BlockException("cannot save block '" + id + "': the store " + dir() + " holds blocks encrypted with"
                + " master key id " + others + ", but the key in use (" + key.source() + ") has id " + key.id()
                + "; use the key they were saved with, or move every block to this key with Blocks.rotateMasterKey(...)");
    }

    private static @Nullable String keyIdOf(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        JsonNode keyId = Documents.parseObject(text, "block file " + file).get("keyId");
        return keyId != null && keyId.isTextual() ? keyId.asText() : null;
    }

    /**
     * Moves every block to a new master key and returns its id: each block is read with the key it
     * was saved with, encrypted again with the new key and written back atomically. With
     * {@code newKey} null a new key is made and written to the key file (the old one is kept as
     * {@code master.key.<old id>.bak} until every block is moved; delete it after taking a backup of
     * the new one). A given key (32 bytes) is written to the key file the same way, unless the key
     * comes from {@code SLUICE_MASTER_KEY}: then the key file is left alone, and the variable is to be set
     * to the new key afterwards. A rotation cut short (a crash) is finished by
     * running it again: blocks still under the old key are read with the kept old key.
     */
    public String rotateMasterKey(byte @Nullable [] newKey) {
        return locked(() -> {
            MasterKey current = MasterKey.find(env, keyFile());
            Map<String, MasterKey> readable = new java.util.HashMap<>();
            if (current != null) {
                readable.put(current.id(), current);
            }
            for (MasterKey old : MasterKey.backups(keyFile())) {
                readable.putIfAbsent(old.id(), old);
            }
            boolean fromVariable = env.get(MASTER_KEY_VARIABLE) != null && !env.get(MASTER_KEY_VARIABLE).isBlank();
            boolean intoKeyFile = !fromVariable; // the key is (or will be) the key file: the new one goes there too
            MasterKey next;
            if (newKey != null && fromVariable) {
                next = MasterKey.of(newKey, "the key given to rotateMasterKey");
            } else if (newKey != null) {
                next = MasterKey.rotateKeyFile(keyFile(), current, newKey);
            } else {
                if (fromVariable) {
                    throw new BlockException("the master key comes from " + MASTER_KEY_VARIABLE + ": give the new key to"
                            + " rotateMasterKey(newKey), then set " + MASTER_KEY_VARIABLE + " to it");
                }
                next = MasterKey.rotateKeyFile(keyFile(), current);
            }
            readable.putIfAbsent(next.id(), next);
            for (BlockId id : list()) {
                Path file = file(id);
                String keyId = keyIdOf(file);
                if (keyId == null || keyId.equals(next.id())) {
                    continue;
                }
                MasterKey with = readable.get(keyId);
                if (with == null) {
                    throw new BlockException("block '" + id + "' in " + file + " is encrypted with master key id " + keyId
                            + ", which is neither the key in use nor a kept old key; restore that key, then rotate again");
                }
                ObjectNode envelope = Documents.parseObject(Files.readString(file, StandardCharsets.UTF_8), "block file " + file);
                ObjectNode data = (ObjectNode) envelope.get("data");
                decrypt(data, id, with, "", file);
                encrypt(data, id, next, "");
                envelope.put("keyId", next.id());
                envelope.set("data", data);
                writeAtomically(file, Documents.printPretty(envelope));
            }
            if (intoKeyFile) {
                MasterKey.dropBackups(keyFile());
            }
            return next.id();
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
        return underLock(body, true);
    }

    /**
     * {@code body} under the store's lock, or without it where the lock cannot be taken (a store in a folder
     * this process may read but not write): reading needs the lock only to see a rotation whole.
     */
    private <T> T lockedIfPossible(Locked<T> body) {
        return underLock(body, false);
    }

    /** {@code body} under the store's lock: this JVM's, then the lock file's; without the file when not {@code toWrite} and it cannot be opened. */
    private <T> T underLock(Locked<T> body, boolean toWrite) {
        Path dir = dir();
        ReentrantLock lock = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        try {
            FileChannel channel;
            try {
                if (toWrite) {
                    Files.createDirectories(dir);
                }
                channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException | UnsupportedOperationException e) {
                if (toWrite) {
                    throw e;
                }
                return body.run();
            }
            try (channel) {
                FileLock fileLock = channel.lock();
                try {
                    return body.run();
                } finally {
                    fileLock.release();
                }
            }
        } catch (IOException e) {
            throw new BlockException("cannot " + (toWrite ? "write to" : "read") + " the block store in " + dir + ": "
                    + e.getMessage(), e);
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
