package dev.sluice.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.cache.CachedResult;
import dev.sluice.cache.ResultStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@link ResultStore#files(Path)}: one JSON file per entry, {@code <key>.json}, written to a
 * temporary file, forced to disk and renamed into place, so a crash never leaves a readable half
 * entry. Cross-process locks are {@link FileLock}s on {@code locks/<key>.lock}, which the operating
 * system releases when a process dies, so a crash never leaves a stale lock. Folders are made
 * owner-only where the file system has POSIX permissions.
 */
public final class FileResultStore implements ResultStore {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final JsonFactory JSON = new JsonFactory();
    private static final int FORMAT = 1;
    private static final ResultStore AT_HOME = new AtHome();

    private final Path dir;
    private final Path locks;
    private volatile boolean dirsMade;

    private FileResultStore(Path dir) {
        this.dir = dir;
        this.locks = dir.resolve("locks");
    }

    /** A store in {@code directory}. */
    public static FileResultStore in(Path directory) {
        Objects.requireNonNull(directory, "directory");
        return new FileResultStore(directory.toAbsolutePath().normalize());
    }

    /** The store under the current runtime's {@code home/results}, resolved on each use. */
    public static ResultStore atHome() {
        return AT_HOME;
    }

    /** The folder entries are kept in. */
    public Path directory() {
        return dir;
    }

    /** The file an entry with {@code key} is kept in. */
    public Path file(String key) {
        return dir.resolve(checkKey(key) + ".json");
    }

    @Override
    public Optional<CachedResult> read(String key) throws IOException {
        Path file = file(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(new String(bytes, StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            throw new IOException("result file " + file + " is unreadable (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void write(CachedResult entry) throws IOException {
        Path file = file(entry.key());
        makeDirs();
        byte[] bytes = format(entry);
        AtomicFiles.replace(Files.createTempFile(dir, entry.key(), ".tmp"), file, bytes);
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(file(key));
    }

    @Override
    public Lock lock(String key) throws IOException, InterruptedException {
        checkKey(key);
        makeDirs();
        FileChannel ch = FileChannel.open(locks.resolve(key + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.lock();
        } catch (FileLockInterruptionException | ClosedByInterruptException e) {
            ch.close();
            InterruptedException ie = new InterruptedException("interrupted while waiting for the cache lock of " + key);
            ie.initCause(e);
            throw ie;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return () -> {
            try {
                lock.release();
            } finally {
                ch.close();
            }
        };
    }

    private void makeDirs() throws IOException {
        if (dirsMade && Files.isDirectory(locks)) {
            return;
        }
        for (Path d : new Path[] {dir, locks}) {
            if (!Files.isDirectory(d)) {
                Files.createDirectories(d);
                if (Files.getFileStore(d).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                }
            }
        }
        dirsMade = true;
    }

    private static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a file store key must be 1 to 128 letters, digits, '-' or '_', was '" + key + "'");
        }
        return key;
    }

    private static byte[] format(CachedResult e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(e.json().length() + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("format", FORMAT);
            g.writeStringField("key", e.key());
            g.writeStringField("task", e.taskName());
            g.writeStringField("version", e.taskVersion());
            g.writeStringField("runId", e.runId());
            g.writeStringField("createdAt", e.createdAt().toString());
            g.writeStringField("type", e.type());
            g.writeFieldName("value");
            g.writeRawValue(e.json());
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static CachedResult parse(String text) throws IOException {
        String key = null;
        String task = null;
        String version = null;
        String runId = null;
        String createdAt = null;
        String type = null;
        String value = null;
        int format = -1;
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "format" -> format = p.getIntValue();
                    case "key" -> key = p.getValueAsString();
                    case "task" -> task = p.getValueAsString();
                    case "version" -> version = t == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                    case "runId" -> runId = p.getValueAsString();
                    case "createdAt" -> createdAt = p.getValueAsString();
                    case "type" -> type = p.getValueAsString();
                    case "value" -> value = rawValue(p, t, text);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new IOException("the entry does not end where it should");
            }
        }
        if (format != FORMAT) {
            throw new IOException("unknown format " + format + " (this version reads format " + FORMAT + ")");
        }
        if (key == null || task == null || runId == null || createdAt == null || type == null || value == null) {
            throw new IOException("a field is missing");
        }
        try {
            return new CachedResult(key, task, version, runId, Instant.parse(createdAt), type, value);
        } catch (DateTimeParseException e) {
            throw new IOException("createdAt is not an instant: " + createdAt, e);
        }
    }

    /** The value's JSON text exactly as written (numbers keep their digits). */
    private static String rawValue(JsonParser p, @Nullable JsonToken t, String text) throws IOException {
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            int start = (int) p.currentTokenLocation().getCharOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getCharOffset();
            return text.substring(start, end);
        }
        if (t == JsonToken.VALUE_STRING) {
            StringWriter sw = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(sw)) {
                g.writeString(p.getText());
            }
            return sw.toString();
        }
        if (t == null || t.isStructEnd() || t == JsonToken.FIELD_NAME) {
            throw new IOException("value is missing");
        }
        return p.getText();
    }

    @Override
    public String toString() {
        return "file result store in " + dir;
    }

    /** Follows the current runtime's home on every call. */
    private static final class AtHome implements ResultStore {
        private volatile @Nullable FileResultStore current;

        private FileResultStore store() {
            Path dir = RuntimeState.current().home().resolve("results");
            FileResultStore s = current;
            if (s == null || !s.dir.equals(dir)) {
                s = new FileResultStore(dir);
                current = s;
            }
            return s;
        }

        @Override
        public Optional<CachedResult> read(String key) throws IOException {
            return store().read(key);
        }

        @Override
        public void write(CachedResult entry) throws IOException {
            store().write(entry);
        }

        @Override
        public boolean delete(String key) throws IOException {
            return store().delete(key);
        }

        @Override
        public Lock lock(String key) throws IOException, InterruptedException {
            return store().lock(key);
        }

        @Override
        public String toString() {
            return "file result store in the current runtime's home/results (now " + store().dir + ")";
        }
    }
}
