package dev.sluice.tasks.http;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A body downloaded to a file by {@link HttpExtract#download(Path)}.
 *
 * @param file the file written
 * @param size its size in bytes
 * @param sha256 the SHA-256 of its content, lowercase hex
 * @param contentType the response's {@code Content-Type}, if it had one
 */
public record Download(Path file, long size, String sha256, @Nullable String contentType) {
    /** Checks the fields. */
    public Download {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, was " + size);
        }
    }
}
