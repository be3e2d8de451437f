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
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
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
 * temporary file in the same folder and renamed into place, so a reader sees a whole entry or
 * none. Entries are not forced to disk one by one (a cache can recompute what a power cut loses):
 * each carries a CRC-32C of its value instead, so a file the operating system did not finish
 * writing before a crash reads as unreadable, which the engine treats as a miss and overwrites,
 * never as a value. Cross-process locks are byte-range {@link FileLock}s, one byte per key, on a
 * single {@code .locks} file, which the operating system releases when a process dies: the folder
 * holds one file per entry and that one. Folders are made owner-only where the file system has
 * POSIX permissions.
 *
 * <p>A process killed while it writes an entry leaves its temporary file ({@code <key>.<random>.tmp}),
 * never a part of an entry. Such files are deleted by the next write to the folder in any process once
 * they are {@link #STALE_TEMPORARY} old (a live writer's file is milliseconds old): the folder is swept
 * at a process's first write, then at most every {@link #SWEEP_EVERY}.
 */
public final class FileResultStore implements ResultStore {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final JsonFactory JSON = new JsonFactory();
    private static final int FORMAT = 1;
    private static final ResultStore AT_HOME = new AtHome();

    private static final String LOCK_FILE = ".locks";
    /** One lock file channel per folder per JVM (closing any channel on a file drops all this JVM's locks on it). */
    private static final java.util.concurrent.ConcurrentMap<Path, LockFile> LOCK_FILES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** A temporary file older than this is a killed writer's, and deleted. */
    static final java.time.Duration STALE_TEMPORARY = java.time.Duration.ofMinutes(10);
    /** How often one process sweeps a folder for stale temporary files, at most. */
    static final java.time.Duration SWEEP_EVERY = java.time.Duration.ofHours(1);
    /** When this JVM last swept each folder (System.currentTimeMillis), shared by all stores on it. */
    private static final java.util.concurrent.ConcurrentMap<Path, Long> SWEPT = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path dir;
    private volatile boolean dirsMade;
    private volatile @Nullable Boolean posix;

    private FileResultStore(Path dir) {
        this.dir = dir;
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

    /** The file the cross-process locks are taken on. */
    public Path lockFile() {
        return dir.resolve(LOCK_FILE);
    }

    /** Where in {@link #lockFile()} the lock of {@code key} is: one byte, at a position made from the key. */
    public static long lockPosition(String key) {
        long h = 0xcbf29ce484222325L; // FNV-1a, 64 bits, then mixed; 62 bits so position + 1 never overflows
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h & 0x3FFFFFFFFFFFFFFFL;
    }

    @Override
    public Optional<CachedResult> read(String key) throws IOException {
        Path file = file(key);
        if (!file.toFile().exists()) { // a stat, not an exception with a stack trace, for the usual miss
            return Optional.empty();
        }
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
        sweepStaleTemporaryFiles();
        byte[] bytes = format(entry);
        Path tmp = dir.resolve(entry.key() + "." + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            try (java.nio.channels.SeekableByteChannel ch = Boolean.TRUE.equals(posix)
                    ? Files.newByteChannel(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY_FILE)
                    : Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            try {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        return Files.deleteIfExists(file(key));
    }

    @Override
    public Lock lock(String key) throws IOException, InterruptedException {
        checkKey(key);
        makeDirs();
        long position = lockPosition(key);
        LockFile lockFile = LOCK_FILES.computeIfAbsent(lockFile(), LockFile::new);
        FileChannel ch = lockFile.use();
        FileLock lock = null;
        try {
            long wait = 1;
            while (true) {
                try {
                    lock = ch.tryLock(position, 1, false);
                } catch (java.nio.channels.OverlappingFileLockException heldHere) {
                    lock = null; // another runtime of this JVM computes the same key (or one whose position is the same)
                }
                if (lock != null) {
                    break;
                }
                Thread.sleep(wait); // tryLock never closes the shared channel when interrupted; the sleep answers interrupts
                wait = Math.min(wait * 2, 50);
            }
        } catch (InterruptedException e) {
            lockFile.release();
            InterruptedException ie = new InterruptedException("interrupted while waiting for the cache lock of " + key);
            ie.initCause(e);
            throw ie;
        } catch (IOException | RuntimeException e) {
            lockFile.release();
            throw e;
        }
        FileLock held = lock;
        return () -> {
            try {
                held.release();
            } finally {
                lockFile.release();
            }
        };
    }

    /**
     * The lock file of a folder, with this JVM's one channel on it. The channel stays open between
     * locks (opening and closing it for each would cost more than the lock); only when more than
     * {@link #MAX_OPEN} folders' lock files are open are idle ones closed. Entries are never removed:
     * a second channel on the same file would drop this JVM's locks on it when closed.
     */
    private static final class LockFile {
        private static final int MAX_OPEN = 16;
        private final Path path;
        private @Nullable FileChannel channel;
        private int users;

        LockFile(Path path) {
            this.path = path;
        }

        FileChannel use() throws IOException {
            boolean opened = false;
            FileChannel ch;
            synchronized (this) {
                if (channel == null || !channel.isOpen()) {
                    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    opened = true;
                }
                users++;
                ch = channel;
            }
            if (opened) {
                closeIdleOthers();
            }
            return ch;
        }

        synchronized void release() {
            users--;
        }

        private synchronized boolean closeIfIdle() {
            if (users == 0 && channel != null) {
                try {
                    channel.close(); // nobody here holds a lock on it
                } catch (IOException e) {
                    // nothing held: nothing lost
                }
                channel = null;
                return true;
            }
            return false;
        }

        private synchronized boolean isOpen() {
            return channel != null;
        }

        private void closeIdleOthers() {
            long open = LOCK_FILES.values().stream().filter(LockFile::isOpen).count();
            for (LockFile other : LOCK_FILES.values()) {
                if (open <= MAX_OPEN) {
                    return;
                }
                if (other != this && other.closeIfIdle()) {
                    open--;
                }
            }
        }
    }

    /**
     * Deletes the temporary files killed writers left (older than {@link #STALE_TEMPORARY}), at this
     * process's first write to the folder and then at most every {@link #SWEEP_EVERY}. Never fails a write.
     */
    private void sweepStaleTemporaryFiles() {
        long now = System.currentTimeMillis();
        Long last = SWEPT.get(dir);
        if (last != null && now - last < SWEEP_EVERY.toMillis()) {
            return;
        }
        if (last == null ? SWEPT.putIfAbsent(dir, now) != null : !SWEPT.replace(dir, last, now)) {
            return; // another thread sweeps it now
        }
        long staleBefore = now - STALE_TEMPORARY.toMillis();
        try (java.nio.file.DirectoryStream<Path> tmps = Files.newDirectoryStream(dir, "*.tmp")) {
            for (Path tmp : tmps) {
                try {
                    if (Files.getLastModifiedTime(tmp).toMillis() < staleBefore) {
                        Files.deleteIfExists(tmp);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone already, or not ours to delete: the next sweep tries again
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unlistable folder: the write itself says what is wrong
        }
    }

    private void makeDirs() throws IOException {
        if (dirsMade && Files.isDirectory(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
        posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
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
            g.writeNumberField("crc32c", crc(e.json().strip()));
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
        String valueAsWritten = null;
        long crc = -1;
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
                    case "crc32c" -> crc = p.getLongValue();
                    case "value" -> {
                        int start = (int) p.currentTokenLocation().getCharOffset();
                        value = rawValue(p, t, text);
                        valueAsWritten = text.substring(start, (int) p.currentLocation().getCharOffset());
                    }
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
        if (crc != -1 && (valueAsWritten == null || crc != crc(valueAsWritten))) {
            throw new IOException("the value does not match its CRC-32C (the file was not written whole, or was edited)");
        }
        try {
            return new CachedResult(key, task, version, runId, Instant.parse(createdAt), type, value);
        } catch (DateTimeParseException e) {
            throw new IOException("createdAt is not an instant: " + createdAt, e);
        }
    }

    private static long crc(String json) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
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
