package dev.sluice.tasks.email;

import dev.sluice.tasks.email.internal.Addresses;
import dev.sluice.tasks.email.internal.Checks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One email: sender, recipients, subject, a plain-text and/or HTML body, attachments, inline images
 * and custom headers. Validated when made: at least one recipient, every address valid, no line
 * break in the subject, an address or a header (so nothing can inject headers). Immutable; build it
 * with {@link #builder()}. Names and domains beyond ASCII are fine ({@code "Jürgen <j@bücher.example>"}:
 * the name goes as an RFC 2047 encoded-word, the domain in punycode); characters beyond ASCII before
 * the {@code @} are refused, since such an address needs SMTPUTF8, which Sluice does not use.
 * No header line goes out longer than the 998 characters RFC 5322 allows: a subject, header value or
 * attachment name too long to fold between words is sent as encoded pieces (RFC 2047, RFC 2231) that
 * mail clients join back into exactly the text given.
 *
 * <pre>{@code
 * EmailMessage message = EmailMessage.builder()
 *         .to("team@example.com")
 *         .bcc("audit@example.com")
 *         .subject("Daily load")
 *         .text("1,204 rows loaded")
 *         .html("<p><b>1,204</b> rows loaded</p>")
 *         .attach(Path.of("report.csv"))
 *         .build();
 * }</pre>
 *
 * <p>A message with both bodies is sent as {@code multipart/alternative} inside
 * {@code multipart/mixed}; inline images go in a {@code multipart/related} with the HTML body.
 *
 * @param from         the sender; null means the credentials' username
 * @param to           "To" recipients
 * @param cc           "Cc" recipients
 * @param bcc          blind copies: they receive the message but appear in no header
 * @param replyTo      "Reply-To" addresses
 * @param subject      one line
 * @param text         the plain-text body, if any
 * @param html         the HTML body, if any
 * @param attachments  attachments (not inline)
 * @param inlineImages parts the HTML refers to as {@code cid:<content id>}
 * @param headers      extra headers in order, e.g. {@code X-Run-Id}; of names that differ only in case, the last is kept
 */
public record EmailMessage(
        @Nullable String from,
        List<String> to,
        List<String> cc,
        List<String> bcc,
        List<String> replyTo,
        String subject,
        @Nullable String text,
        @Nullable String html,
        List<EmailAttachment> attachments,
        List<EmailAttachment> inlineImages,
        Map<String, String> headers) {

    /** Validates and copies the lists. */
    public EmailMessage {
        to = copy("to", to);
        cc = copy("cc", cc);
        bcc = copy("bcc", bcc);
        replyTo = copy("replyTo", replyTo);
        attachments = copy("attachments", attachments);
        inlineImages = copy("inlineImages", inlineImages);
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(headers, "headers");
        if (from != null) {
            Addresses.address("from", from);
        }
        Addresses.addresses("to", to);
        Addresses.addresses("cc", cc);
        Addresses.addresses("bcc", bcc);
        Addresses.addresses("replyTo", replyTo);
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new IllegalArgumentException("message '" + Checks.printable(subject)
                    + "' has no recipient: give at least one to, cc or bcc address");
        }
        Checks.noLineBreaks("subject", subject);
        for (EmailAttachment a : attachments) {
            if (a.isInline()) {
                throw new IllegalArgumentException("attachment '" + a.name() + "' is an inline part; add it with inlineImage(...)");
            }
        }
        for (EmailAttachment a : inlineImages) {
            if (!a.isInline()) {
                throw new IllegalArgumentException("inline image '" + a.name() + "' has no content id; make it with EmailAttachment.inline(...)");
            }
        }
        if (!inlineImages.isEmpty() && html == null) {
            throw new IllegalArgumentException("message '" + Checks.printable(subject)
                    + "' has inline images but no HTML body to show them in");
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "value of header " + name);
            Checks.header(name, value);
            ordered.keySet().removeIf(earlier -> earlier.equalsIgnoreCase(name)); // header names are case-insensitive
            ordered.put(name, value);
        });
        headers = Collections.unmodifiableMap(ordered);
    }

    /** A builder for a message. */
    public static Builder builder() {
        return new Builder();
    }

    /** A plain-text message to one recipient. */
    public static EmailMessage of(String to, String subject, String text) {
        return builder().to(to).subject(subject).text(text).build();
    }

    /** All recipients: to, cc and bcc, in that order. */
    public List<String> recipients() {
        List<String> all = new ArrayList<>(to.size() + cc.size() + bcc.size());
        all.addAll(to);
        all.addAll(cc);
        all.addAll(bcc);
        return List.copyOf(all);
    }

    private static <T> List<T> copy(String field, List<T> list) {
        Objects.requireNonNull(list, field);
        for (T t : list) {
            if (t == null) {
                throw new NullPointerException(field + " contains null");
            }
        }
        return List.copyOf(list);
    }

    /** Builds an {@link EmailMessage}; each setter checks its input and names the field at fault. */
    public static final class Builder {
        private @Nullable String from;
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private final List<String> bcc = new ArrayList<>();
        private final List<String> replyTo = new ArrayList<>();
        private String subject = "";
        private @Nullable String text;
        private @Nullable String html;
        private final List<EmailAttachment> attachments = new ArrayList<>();
        private final List<EmailAttachment> inlineImages = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {
        }

        /** The sender; without it, the credentials' username. */
        public Builder from(String from) {
            Objects.requireNonNull(from, "from");
            Addresses.address("from", from);
            this.from = from;
            return this;
        }

        /** Adds "To" recipients. */
        public Builder to(String... addresses) {
            return add("to", to, Arrays.asList(addresses));
        }

        /** Adds "To" recipients. */
        public Builder to(Collection<String> addresses) {
            return add("to", to, addresses);
        }

        /** Adds "Cc" recipients. */
        public Builder cc(String... addresses) {
            return add("cc", cc, Arrays.asList(addresses));
        }

        /** Adds "Cc" recipients. */
        public Builder cc(Collection<String> addresses) {
            return add("cc", cc, addresses);
        }

        /** Adds blind-copy recipients: they get the message but appear in no header. */
        public Builder bcc(String... addresses) {
            return add("bcc", bcc, Arrays.asList(addresses));
        }

        /** Adds blind-copy recipients. */
        public Builder bcc(Collection<String> addresses) {
            return add("bcc", bcc, addresses);
        }

        /** Adds "Reply-To" addresses. */
        public Builder replyTo(String... addresses) {
            return add("replyTo", replyTo, Arrays.asList(addresses));
        }

        /** The subject: one line. */
        public Builder subject(String subject) {
            Objects.requireNonNull(subject, "subject");
            Checks.noLineBreaks("subject", subject);
            this.subject = subject;
            return this;
        }

        /** The plain-text body. */
        public Builder text(String text) {
            this.text = Objects.requireNonNull(text, "text");
            return this;
        }

        /** The HTML body. With a text body too, mail clients show the one they prefer. */
        public Builder html(String html) {
            this.html = Objects.requireNonNull(html, "html");
            return this;
        }

        /** Attaches the file at {@code file}, with a content type guessed from its name. */
        public Builder attach(Path file) {
            attachments.add(EmailAttachment.ofFile(file));
            return this;
        }

        /** Attaches the file at {@code file} with the given content type. */
        public Builder attach(Path file, String contentType) {
            attachments.add(EmailAttachment.ofFile(file, contentType));
            return this;
        }

        /** Attaches {@code bytes} (copied) as a file called {@code name}. */
        public Builder attach(String name, byte[] bytes, String contentType) {
            attachments.add(EmailAttachment.ofBytes(name, bytes, contentType));
            return this;
        }

        /** Adds an attachment made with {@link EmailAttachment}. */
        public Builder attach(EmailAttachment attachment) {
            Objects.requireNonNull(attachment, "attachment");
            if (attachment.isInline()) {
                throw new IllegalArgumentException("attachment '" + attachment.name() + "' is an inline part; use inlineImage(...)");
            }
            attachments.add(attachment);
            return this;
        }

        /** Adds an inline image the HTML body shows with {@code <img src="cid:contentId">}. */
        public Builder inlineImage(String contentId, byte[] bytes, String contentType) {
            inlineImages.add(EmailAttachment.inline(contentId, bytes, contentType));
            return this;
        }

        /** Adds an inline image read from {@code file}. */
        public Builder inlineImage(String contentId, Path file, String contentType) {
            inlineImages.add(EmailAttachment.inline(contentId, file, contentType));
            return this;
        }

        /**
         * Sets a custom header such as {@code X-Run-Id}; replaces an earlier value of the same name, in any case
         * (header names are case-insensitive: {@code x-run-id} replaces {@code X-Run-Id}).
         */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "value of header " + name);
            Checks.header(name, value);
            headers.keySet().removeIf(earlier -> earlier.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        /**
         * The message.
         *
         * @throws IllegalArgumentException if it has no recipient, or inline images without an HTML body
         */
        public EmailMessage build() {
            return new EmailMessage(from, to, cc, bcc, replyTo, subject, text, html, attachments, inlineImages, headers);
        }

        private Builder add(String field, List<String> list, Collection<String> addresses) {
            Objects.requireNonNull(addresses, field);
            for (String a : addresses) {
                Objects.requireNonNull(a, field + " address");
                Addresses.address(field, a);
            }
            list.addAll(addresses);
            return this;
        }
    }
}
