package dev.sluice.tasks.email;

import dev.sluice.tasks.email.internal.Checks;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A file or a byte array sent with an {@link EmailMessage}: an attachment, or an inline image that
 * the HTML body shows with {@code <img src="cid:...">}. Its bytes arrive unchanged (they are sent
 * base64-encoded). A file is read when the message is sent; a missing file fails the send before
 * any connection is made. Immutable.
 */
public final class EmailAttachment {
    private static final String OCTET_STREAM = "application/octet-stream";

    private final String name;
    private final String contentType;
    private final @Nullable Path file;
    private final byte @Nullable [] bytes;
    private final @Nullable String contentId;

    private EmailAttachment(String name, String contentType, @Nullable Path file, byte @Nullable [] bytes,
            @Nullable String contentId) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        if (contentId != null) {
            Checks.noLineBreaks("content id", contentId);
            if (contentId.isBlank() || contentId.chars().anyMatch(c -> c <= ' ' || c == '<' || c == '>' || c >= 0x7f)) {
                throw new IllegalArgumentException("content id must be printable ASCII without spaces or angle brackets, was '"
                        + Checks.printable(contentId) + "'");
            }
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("attachment name must not be blank");
        }
        Checks.noLineBreaks("attachment name", name);
        Checks.noLineBreaks("attachment content type", contentType);
        if (!contentType.matches("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?")) {
            throw new IllegalArgumentException("content type of attachment '" + name
                    + "' must look like type/subtype (e.g. application/pdf), was '" + contentType + "'");
        }
        this.name = name;
        this.contentType = contentType;
        this.file = file;
        this.bytes = bytes;
        this.contentId = contentId;
    }

    /** The file at {@code file}, named by its file name, with a content type guessed from that name. */
    public static EmailAttachment ofFile(Path file) {
        Objects.requireNonNull(file, "file");
        String name = fileName(file);
        return new EmailAttachment(name, guess(name), file, null, null);
    }

    /** The file at {@code file}, named by its file name, with the given content type. */
    public static EmailAttachment ofFile(Path file, String contentType) {
        Objects.requireNonNull(file, "file");
        return new EmailAttachment(fileName(file), contentType, file, null, null);
    }

    /** {@code bytes} (copied) as an attachment called {@code name}. */
    public static EmailAttachment ofBytes(String name, byte[] bytes, String contentType) {
        Objects.requireNonNull(bytes, "bytes");
        return new EmailAttachment(name, contentType, null, bytes.clone(), null);
    }

    /**
     * An inline image (or other part) that the HTML body refers to as {@code cid:contentId}.
     *
     * @param contentId   the id without angle brackets, e.g. {@code "logo"}
     * @param bytes       the content (copied)
     * @param contentType e.g. {@code image/png}
     */
    public static EmailAttachment inline(String contentId, byte[] bytes, String contentType) {
        Objects.requireNonNull(contentId, "contentId");
        Objects.requireNonNull(bytes, "bytes");
        return new EmailAttachment(contentId, contentType, null, bytes.clone(), contentId);
    }

    /** An inline part read from {@code file}, referred to as {@code cid:contentId}. */
    public static EmailAttachment inline(String contentId, Path file, String contentType) {
        Objects.requireNonNull(contentId, "contentId");
        Objects.requireNonNull(file, "file");
        return new EmailAttachment(fileName(file), contentType, file, null, contentId);
    }

    /** The file name the recipient sees. */
    public String name() {
        return name;
    }

    /** The MIME content type, e.g. {@code application/pdf}. */
    public String contentType() {
        return contentType;
    }

    /** The file it is read from, if it is a file attachment. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** A copy of its bytes, if it was made from bytes. */
    public Optional<byte[]> bytes() {
        return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
    }

    /** The content id of an inline part (without angle brackets); empty for an attachment. */
    public Optional<String> contentId() {
        return Optional.ofNullable(contentId);
    }

    /** True for an inline part, false for an attachment. */
    public boolean isInline() {
        return contentId != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmailAttachment other
                && name.equals(other.name)
                && contentType.equals(other.contentType)
                && Objects.equals(file, other.file)
                && Arrays.equals(bytes, other.bytes)
                && Objects.equals(contentId, other.contentId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, contentType, file, Arrays.hashCode(bytes), contentId);
    }

    @Override
    public String toString() {
        String source = file != null ? "file=" + file : "bytes=" + Objects.requireNonNull(bytes).length;
        return "EmailAttachment[name=" + name + ", contentType=" + contentType + ", " + source
                + (contentId != null ? ", contentId=" + contentId : "") + "]";
    }

    private static String fileName(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("attachment file '" + file + "' has no file name");
        }
        return name.toString();
    }

    private static String guess(String name) {
        String type = URLConnection.guessContentTypeFromName(name);
        return type == null ? OCTET_STREAM : type;
    }
}
