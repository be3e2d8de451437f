package dev.sluice.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Files replaced whole: a reader sees the old content or the new, never a half-written file. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code tmp} (a new file in {@code file}'s folder, made by the caller with
     * the permissions it wants), forces them to disk and renames {@code tmp} over {@code file}
     * (atomically where the file system can). {@code tmp} is gone afterwards, whatever happens.
     */
    public static void replace(Path tmp, Path file, byte[] bytes) throws IOException {
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
