package dev.sluice.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices that the server's SQLite file was deleted or replaced while it runs: its open connections would go on
 * reading the unlinked file (stale runs, answered 200 as if nothing happened). One look at the file's attributes a
 * request; the file put back (the same inode) is the server's again.
 */
final class FileGuard {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.server");

    private final @Nullable Path file;
    private final @Nullable Object fileKey;
    private final AtomicReference<@Nullable String> logged = new AtomicReference<>();

    FileGuard(@Nullable Path file) {
        this.file = file;
        this.fileKey = file == null ? null : key(file);
    }

    private static @Nullable Object key(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Why the server cannot answer from its database file now (for any caller: the file is not named), or null. */
    @Nullable String problem() {
        if (file == null) {
            return null;
        }
        String problem;
        try {
            Object now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            problem = fileKey == null || now == null || fileKey.equals(now) ? null
                    : "the server's database file was replaced by another file while the server was running; it no longer"
                            + " shows what is in that file: restart the server";
        } catch (NoSuchFileException e) {
            problem = "the server's database file was deleted while the server was running; it no longer shows what is"
                    + " in that file: restart the server (a new, empty database is made if none is there)";
        } catch (IOException e) {
            problem = "the server's database file cannot be read: " + e.getClass().getSimpleName();
        }
        String before = logged.getAndSet(problem);
        if (problem != null && !problem.equals(before)) {
            LOG.error("{} ({})", problem, file);
        } else if (problem == null && before != null) {
            LOG.info("the server's database file {} is back", file);
        }
        return problem;
    }
}
