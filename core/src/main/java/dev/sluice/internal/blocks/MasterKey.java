package dev.sluice.internal.blocks;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import dev.sluice.internal.AtomicFiles;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store's AES-256 key: from {@code SLUICE_MASTER_KEY} (32 bytes in base64) or from a key
 * file with owner-only permissions, generated on first need. Encrypts with AES-256-GCM, a random
 * 96-bit nonce per value and the value's location as associated data.
 */
final class MasterKey {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.block.Blocks");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;
    private final String id;
    private final String source;

    private MasterKey(byte[] key, String source) {
        if (key.length != 32) {
            throw new BlockException("the master key from " + source + " is " + key.length
                    + " bytes; it must be 32 random bytes in base64 (e.g. from 'openssl rand -base64 32')");
        }
        this.key = key.clone();
        this.id = idOf(key);
        this.source = source;
    }

    /** A short public identifier of the key (a hash prefix), stored with encrypted blocks. */
    String id() {
        return id;
    }

    /** Where the key came from, for messages. */
    String source() {
        return source;
    }

    private static String idOf(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("sluice-master-key-id:".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(Arrays.copyOf(sha.digest(key), 8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A key from raw bytes (32). */
    static MasterKey of(byte[] bytes, String source) {
        return new MasterKey(bytes, source);
    }

    /** The old keys kept by an unfinished rotation ({@code master.key.<id>.bak} beside the key file). */
    static java.util.List<MasterKey> backups(Path keyFile) {
        java.util.List<MasterKey> out = new java.util.ArrayList<>();
        Path dir = keyFile.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.newDirectoryStream(dir, keyFile.getFileName() + ".*.bak")) {
            for (Path f : files) {
                try {
                    out.add(new MasterKey(decode(Files.readString(f, StandardCharsets.US_ASCII), "key file " + f), "key file " + f));
                } catch (RuntimeException broken) {
                    // a backup cut short by a crash of a version that copied it in place: it holds no usable key
                    LOG.warn("ignoring the kept old master key {}: {}", f, broken.getMessage());
                }
            }
        } catch (IOException e) {
            throw new BlockException("cannot read the kept old master keys in " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Whether {@code backup} holds {@code key}, whole. */
    private static boolean holds(Path backup, MasterKey key) {
        try {
            return Files.exists(backup)
                    && new MasterKey(decode(Files.readString(backup, StandardCharsets.US_ASCII), "key file " + backup), "")
                            .id().equals(key.id());
        } catch (IOException | RuntimeException broken) {
            return false;
        }
    }

    /** Deletes the old keys kept while a rotation ran. */
    static void dropBackups(Path keyFile) throws IOException {
        Path dir = keyFile.getParent();
        try (var files = Files.newDirectoryStream(dir, keyFile.getFileName() + ".*.bak")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Keeps the current key file as {@code master.key.<id>.bak} and writes a new random key in its
     * place (owner-only, atomically); returns the new key.
     */
    static MasterKey rotateKeyFile(Path keyFile, @Nullable MasterKey current) throws IOException {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return rotateKeyFile(keyFile, current, bytes);
    }

    /** As {@link #rotateKeyFile(Path, MasterKey)}, writing the key {@code bytes} (32) instead of a random one. */
    static MasterKey rotateKeyFile(Path keyFile, @Nullable MasterKey current, byte[] bytes) throws IOException {
        new MasterKey(bytes, "the key given to rotateMasterKey"); // checks the length before anything is touched
        if (current != null && Files.exists(keyFile)) {
            Path backup = keyFile.resolveSibling(keyFile.getFileName() + "." + current.id() + ".bak");
            if (!holds(backup, current)) {
                // written whole or not at all: a process killed here leaves no truncated backup behind, and a
                // backup a crash of an older version left broken is written again
                AtomicFiles.replace(FileBlockStore.createOwnerOnly(keyFile.getParent(), ".master.key.bak"), backup,
                        (Base64.getEncoder().encodeToString(current.key) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        Files.createDirectories(keyFile.getParent());
        AtomicFiles.replace(FileBlockStore.createOwnerOnly(keyFile.getParent(), ".master.key"), keyFile,
                (Base64.getEncoder().encodeToString(bytes) + "\n").getBytes(StandardCharsets.US_ASCII));
        LOG.info("rotated the master key of the block store in {}: new key id {}; back up {}", keyFile.getParent(),
                idOf(bytes), keyFile);
        return new MasterKey(bytes, "key file " + keyFile);
    }

    /** The key in force, without creating one: from the environment, else the key file, else null. */
    static @Nullable MasterKey find(Map<String, String> env, Path keyFile) {
        String fromEnv = env.get(BlockStore.MASTER_KEY_VARIABLE);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new MasterKey(decode(fromEnv, BlockStore.MASTER_KEY_VARIABLE), BlockStore.MASTER_KEY_VARIABLE);
        }
        if (!Files.exists(keyFile)) {
            return null;
        }
        try {
            warnIfShared(keyFile);
            String text = Files.readString(keyFile, StandardCharsets.US_ASCII);
            return new MasterKey(decode(text, "key file " + keyFile), "key file " + keyFile);
        } catch (IOException e) {
            throw new BlockException("cannot read the master key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** The key in force, generating the key file if there is no key at all. Call under the store's lock. */
    static MasterKey findOrCreate(Map<String, String> env, Path keyFile) {
        MasterKey found = find(env, keyFile);
        if (found != null) {
            return found;
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        try {
            Files.createDirectories(keyFile.getParent());
            Path tmp = FileBlockStore.createOwnerOnly(keyFile.getParent(), ".master.key");
            Files.writeString(tmp, Base64.getEncoder().encodeToString(bytes) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.createLink(keyFile, tmp); // atomic: fails if another process made one meanwhile
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(tmp);
                return find(env, keyFile);
            } catch (UnsupportedOperationException | IOException e) {
                Files.move(tmp, keyFile);
            }
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            throw new BlockException("cannot create the master key file " + keyFile + ": " + e.getMessage()
                    + "; set " + BlockStore.MASTER_KEY_VARIABLE + " instead", e);
        }
        LOG.info("generated a master key for the block store in {} (owner-only); back it up: secrets saved with it"
                + " cannot be read without it", keyFile);
        MasterKey created = find(env, keyFile);
        if (created == null) {
            throw new BlockException("the master key file " + keyFile + " vanished right after it was created");
        }
        return created;
    }

    private static void warnIfShared(Path keyFile) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(keyFile);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("master key file {} is readable by others ({}); run: chmod 600 {}", keyFile,
                        PosixFilePermissions.toString(perms), keyFile);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static byte[] decode(String text, String source) {
        String t = text.trim();
        try {
            return t.contains("-") || t.contains("_") ? Base64.getUrlDecoder().decode(t) : Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new BlockException("the master key from " + source + " is not base64; it must be 32 random bytes in"
                    + " base64 (e.g. from 'openssl rand -base64 32')");
        }
    }

    /** Base64 of nonce + ciphertext + tag. */
    String encrypt(String plain, String aad) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * The plain value.
     *
     * @throws AEADBadTagException if the ciphertext or its associated data was altered
     * @throws IllegalArgumentException if the text is not base64 or too short
     */
    String decrypt(String sealed, String aad) throws AEADBadTagException {
        byte[] in = Base64.getDecoder().decode(sealed);
        if (in.length < NONCE + TAG_BITS / 8) {
            throw new IllegalArgumentException("ciphertext too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            cipher.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }

    @Override
    public String toString() {
        return "master key " + id + " from " + source;
    }
}
