package dev.sluice.tasks.http.internal;

import dev.sluice.tasks.http.Download;
import dev.sluice.tasks.http.HttpExtractException;
import dev.sluice.tasks.http.PageRequest;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Streams a response body to a file: written to a temporary file next to the target, hashed as it
 * goes, and moved into place only when complete, so a failed download never leaves a partial file
 * under the target's name.
 */
public final class Downloader {
    private Downloader() {
    }

    /** Downloads {@code spec}'s URL to {@code target} with the extract's auth, retries and limits. */
    public static Download download(ExtractSpec spec, @Nullable RateLimiter limiter, Logger log, Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        String shown = spec.show(spec.uri);
        long limit = spec.maxBodyBytes < 0 ? Long.MAX_VALUE : spec.maxBodyBytes;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new HttpExtractException("cannot create the directory " + dir + " for the download of " + shown
                    + ": " + e, 0, shown, e);
        }
        Requester requester = new Requester(spec, limiter, log, "*/*");
        Download d = requester.execute(PageRequest.of(spec.uri, spec.body), "download",
                (status, headers, uri, body) -> {
                    String what = "download of " + spec.method + " " + spec.show(uri) + " to " + absolute;
                    if (headers.firstValueAsLong("Content-Length").orElse(-1) > limit) {
                        throw tooBig(what, status, spec.show(uri), limit);
                    }
                    return write(body, absolute, dir, limit, what, status, spec.show(uri),
                            headers.firstValue("Content-Type").orElse(null));
                });
        log.debug("downloaded {} bytes from {} to {} (sha256 {})", d.size(), shown, absolute, d.sha256());
        return d;
    }

    private static Download write(InputStream body, Path target, Path dir, long limit, String what, int status,
            String shown, @Nullable String contentType) throws IOException {
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        } catch (IOException e) {
            throw new HttpExtractException(what + ": cannot create a temporary file in " + dir + ": " + e, status, shown, e);
        }
        boolean moved = false;
        try {
            MessageDigest sha = sha256();
            long size = 0;
            byte[] buf = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(tmp)) {
                int n;
                while ((n = body.read(buf)) >= 0) { // an IOException here is the network's: retried
                    size += n;
                    if (size > limit) {
                        throw tooBig(what, status, shown, limit);
                    }
                    sha.update(buf, 0, n);
                    writeLocal(out, buf, n, what, status, shown);
                }
            } catch (IOException e) {
                if (e instanceof LocalIo) {
                    throw new HttpExtractException(what + ": cannot write " + tmp + ": " + e.getCause(), status, shown, e.getCause());
                }
                throw e;
            }
            moveIntoPlace(tmp, target, what, status, shown);
            moved = true;
            return new Download(target, size, HexFormat.of().formatHex(sha.digest()), contentType);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // left behind as a hidden .part file
                }
            }
        }
    }

    /** A failure writing the local file, told apart from the network's failures. */
    private static final class LocalIo extends IOException {
        private static final long serialVersionUID = 1L;

        LocalIo(IOException cause) {
            super(cause);
        }
    }

    private static void writeLocal(OutputStream out, byte[] buf, int n, String what, int status, String shown)
            throws LocalIo {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            throw new LocalIo(e);
        }
    }

    private static void moveIntoPlace(Path tmp, Path target, String what, int status, String shown) {
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HttpExtractException(what + ": cannot move the downloaded file into place: " + e, status, shown, e);
        }
    }

    private static HttpExtractException tooBig(String what, int status, String shown, long limit) {
        return new HttpExtractException(what + " is bigger than the limit of " + limit
                + " bytes; raise maxBodyBytes", status, shown, null);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
