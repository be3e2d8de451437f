package dev.sluice.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The local key that {@link dev.sluice.block.Secret} arguments are HMAC'd with in cache keys: 32 random
 * bytes in {@code $SLUICE_HOME/cache-hmac.key}, made on first use, readable by its owner only.
 * Two JVMs making it at once agree on one (the file is linked into place, never overwritten).
 */
final class LocalKey {
    static final String FILE_NAME = "cache-hmac.key";
    private static final int LENGTH = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private LocalKey() {
    }

    /** The key in {@code home}, made if missing. */
    static byte[] loadOrCreate(Path home) {
        Path file = home.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                create(home, file);
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
            if (key.length != LENGTH) {
                throw new IllegalStateException("the cache key file " + file + " is not a base64 key of " + LENGTH
                        + " bytes; delete it and a new one is made (results cached by secret arguments are then recomputed)");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the cache key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void create(Path home, Path file) throws IOException {
        Files.createDirectories(home);
        Path tmp = Files.createTempFile(home, FILE_NAME, ".tmp");
        try {
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, OWNER_ONLY);
            }
            byte[] key = new byte[LENGTH];
            new SecureRandom().nextBytes(key);
            Files.writeString(tmp, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
            try {
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another JVM made it first: use theirs
            } catch (UnsupportedOperationException | IOException e) {
                if (!Files.exists(file)) {
                    try {
                        Files.move(tmp, file);
                    } catch (FileAlreadyExistsException raced) {
                        // another JVM made it first
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
