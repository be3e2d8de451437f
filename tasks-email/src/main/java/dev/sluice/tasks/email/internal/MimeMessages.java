package dev.sluice.tasks.email.internal;

import dev.sluice.tasks.email.EmailAttachment;
import dev.sluice.tasks.email.EmailException;
import dev.sluice.tasks.email.EmailMessage;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Turns an {@link EmailMessage} into a Jakarta Mail {@link MimeMessage}. */
final class MimeMessages {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private MimeMessages() {
    }

    /**
     * Fails with {@link EmailException.Kind#INVALID_MESSAGE} if the message cannot be sent as it
     * stands: an attachment file that is missing or unreadable, or no sender.
     */
    static void check(EmailMessage message, @Nullable String defaultFrom, String which) {
        if (message.from() == null && defaultFrom == null) {
            throw new EmailException(EmailException.Kind.INVALID_MESSAGE, which + " has no from address and the credentials"
                    + " have no username to send from: set from(...) on the message (withFrom(...) on an EmailNotifier)",
                    false, null);
        }
        if (message.from() == null) {
            try {
                Addresses.address("from", defaultFrom);
            } catch (IllegalArgumentException e) {
                // SendGrid's login is "apikey", Amazon SES's an access key id
                throw new EmailException(EmailException.Kind.INVALID_MESSAGE, which + " has no from address, and the"
                        + " credentials' username '" + defaultFrom + "' is not an email address to send from: set from(...)"
                        + " on the message (withFrom(...) on an EmailNotifier); nothing was sent", false, null);
            }
        }
        for (List<EmailAttachment> parts : List.of(message.attachments(), message.inlineImages())) {
            for (EmailAttachment a : parts) {
                Path file = a.file().orElse(null);
                if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
                    String problem = Files.exists(file) ? "is not a readable file" : "does not exist";
                    throw new EmailException(EmailException.Kind.INVALID_MESSAGE, "attachment file '" + file.toAbsolutePath()
                            + "' of " + which + " " + problem + "; nothing was sent", false, null);
                }
            }
        }
    }

    /** The MIME message, with Date and Message-ID set (headers saved). */
    static MimeMessage build(Session session, EmailMessage m, @Nullable String defaultFrom) throws MessagingException {
        String from = m.from() != null ? m.from() : defaultFrom;
        if (from == null) {
            throw new IllegalStateException("no from address: check() first");
        }
        InternetAddress sender = address(from);
        IdMimeMessage mime = new IdMimeMessage(session, domainOf(sender.getAddress()));
        mime.setFrom(sender);
        setRecipients(mime, Message.RecipientType.TO, m.to());
        setRecipients(mime, Message.RecipientType.CC, m.cc());
        setRecipients(mime, Message.RecipientType.BCC, m.bcc());
        if (!m.replyTo().isEmpty()) {
            mime.setReplyTo(addresses(m.replyTo()));
        }
        mime.setHeader("Subject", header("Subject", m.subject()));
        mime.setSentDate(new Date());
        for (var header : m.headers().entrySet()) {
            mime.setHeader(header.getKey(), header(header.getKey(), header.getValue()));
        }

        boolean both = m.text() != null && m.html() != null;
        if (both || !m.attachments().isEmpty()) {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart body = new MimeBodyPart();
            fillBody(body, m);
            mixed.addBodyPart(body);
            for (EmailAttachment a : m.attachments()) {
                mixed.addBodyPart(part(a));
            }
            mime.setContent(mixed);
        } else {
            fillBody(mime, m);
        }
        mime.saveChanges();
        return mime;
    }

    private static void fillBody(MimePart target, EmailMessage m) throws MessagingException {
        String text = m.text();
        String html = m.html();
        if (text != null && html != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, UTF_8);
            alternative.addBodyPart(textPart);
            MimeBodyPart htmlPart = new MimeBodyPart();
            fillHtml(htmlPart, html, m);
            alternative.addBodyPart(htmlPart);
            target.setContent(alternative);
        } else if (html != null) {
            fillHtml(target, html, m);
        } else {
            target.setText(text == null ? "" : text, UTF_8);
        }
    }

    private static void fillHtml(MimePart target, String html, EmailMessage m) throws MessagingException {
        if (m.inlineImages().isEmpty()) {
            target.setText(html, UTF_8, "html");
            return;
        }
        MimeMultipart related = new MimeMultipart("related");
        MimeBodyPart htmlPart = new MimeBodyPart();
        htmlPart.setText(html, UTF_8, "html");
        related.addBodyPart(htmlPart);
        for (EmailAttachment image : m.inlineImages()) {
            related.addBodyPart(part(image));
        }
        target.setContent(related);
    }

    private static MimeBodyPart part(EmailAttachment a) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        Path file = a.file().orElse(null);
        DataSource source = file != null
                ? new PathDataSource(file, a.contentType(), a.name())
                : new ByteArrayDataSource(a.bytes().orElseThrow(), a.contentType());
        part.setDataHandler(new DataHandler(source));
        part.setFileName(a.name());
        String contentId = a.contentId().orElse(null);
        if (contentId != null) {
            part.setDisposition(Part.INLINE);
            part.setContentID("<" + contentId + ">");
        } else {
            part.setDisposition(Part.ATTACHMENT);
        }
        // base64 whatever the type: the bytes arrive exactly as given (no line-ending or 8-bit changes)
        part.setHeader("Content-Transfer-Encoding", "base64");
        String disposition = part.getHeader("Content-Disposition", null);
        if (disposition != null && longestLine("Content-Disposition: ".length(), disposition) > MAX_LINE) {
            // a name too long for one line: its RFC 2231 parameter split over lines (name*0*, name*1*, ...)
            String type = a.contentType();
            if (type.regionMatches(true, 0, "text/", 0, 5) && !type.toLowerCase(Locale.ROOT).contains("charset=")) {
                type += "; charset=" + UTF_8; // as the mail API labels a text part whose name fits
            }
            part.setHeader("Content-Disposition", part.getDisposition() + ";" + continued("filename", a.name()));
            part.setHeader("Content-Type", type + ";" + continued("name", a.name()));
        }
        return part;
    }

    /**
     * {@code value} as parameter {@code name} in RFC 2231's form for a long value beyond ASCII: UTF-8,
     * percent-encoded, in numbered pieces of one line each ({@code name*0*=UTF-8''...; name*1*=...}).
     */
    private static String continued(String name, String value) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                encoded.append((char) c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (int piece = 0; start < encoded.length(); piece++) {
            int end = Math.min(encoded.length(), start + 60);
            // never inside a %XX escape
            if (end < encoded.length() && encoded.charAt(end - 1) == '%') {
                end -= 1;
            } else if (end < encoded.length() && end >= 2 && encoded.charAt(end - 2) == '%') {
                end -= 2;
            }
            out.append(piece == 0 ? "\r\n\t" : ";\r\n\t").append(name).append('*').append(piece).append("*=")
                    .append(piece == 0 ? "UTF-8''" : "").append(encoded, start, end);
            start = end;
        }
        return out.toString();
    }

    private static void setRecipients(MimeMessage mime, Message.RecipientType type, List<String> list) throws MessagingException {
        if (!list.isEmpty()) {
            mime.setRecipients(type, addresses(list));
        }
    }

    private static InternetAddress[] addresses(List<String> list) throws MessagingException {
        InternetAddress[] result = new InternetAddress[list.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = address(list.get(i));
        }
        return result;
    }

    /**
     * {@code text} parsed and made ASCII, as a message without SMTPUTF8 must be (RFC 5321, 5322): a
     * display name beyond ASCII ({@code Jürgen Müller <j@example.com>}) as an RFC 2047 encoded-word,
     * and an internationalized domain ({@code bücher.example}) in punycode. Parsed as they are, both
     * went to the server as raw bytes: the name mangled in mail clients, and the domain, in the SMTP
     * envelope, as Latin-1 bytes, so the message went to another mailbox or was refused.
     */
    private static InternetAddress address(String text) throws MessagingException {
        InternetAddress parsed = new InternetAddress(text, true);
        String personal = parsed.getPersonal();
        String mailbox = parsed.getAddress();
        int at = mailbox.lastIndexOf('@');
        String ascii = at < 0 ? mailbox : mailbox.substring(0, at + 1) + Addresses.asciiDomain(mailbox.substring(at + 1));
        if (ascii.equals(mailbox) && (personal == null || Addresses.isAscii(personal))) {
            return parsed;
        }
        try {
            return personal == null ? new InternetAddress(ascii, true) : new InternetAddress(ascii, personal, UTF_8);
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode the name of " + mailbox, e);
        }
    }

    /** The longest line a message may have (RFC 5322 2.1.1), without its CRLF. */
    private static final int MAX_LINE = 998;

    /**
     * {@code value} as header {@code name} carries it: text beyond ASCII as RFC 2047 encoded-words,
     * folded between words. A word too long for a line of {@value #MAX_LINE} characters (a long URL or
     * a subject without spaces) makes the whole value encoded-words, which split anywhere, so that no
     * line breaks the limit servers refuse or cut messages at.
     */
    private static String header(String name, String value) throws MessagingException {
        try {
            String folded = MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, UTF_8, null));
            if (longestLine(name.length() + 2, folded) <= MAX_LINE) {
                return folded;
            }
            return encodedWords(value);
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode header " + name, e);
        }
    }

    /**
     * {@code value} as RFC 2047 encoded-words ({@code B}), one a line, each of whole code points, so a
     * reader joins them back into exactly {@code value}.
     */
    private static String encodedWords(String value) {
        StringBuilder out = new StringBuilder(value.length() * 2);
        int start = 0;
        while (start < value.length()) {
            int end = start;
            int bytes = 0;
            while (end < value.length()) {
                int cp = value.codePointAt(end);
                int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + size > 42 && end > start) {
                    break;
                }
                bytes += size;
                end += Character.charCount(cp);
            }
            if (out.length() > 0) {
                out.append("\r\n ");
            }
            out.append("=?UTF-8?B?")
                    .append(java.util.Base64.getEncoder().encodeToString(
                            value.substring(start, end).getBytes(StandardCharsets.UTF_8)))
                    .append("?=");
            start = end;
        }
        return out.toString();
    }

    private static int longestLine(int used, String folded) {
        int longest = 0;
        for (String line : folded.split("\r\n", -1)) {
            longest = Math.max(longest, used + line.length());
            used = 0;
        }
        return longest;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        return domain.isEmpty() ? "sluice.invalid" : domain;
    }

    /** Sets a Message-ID from a random UUID and the sender's domain, unless the caller set one. */
    private static final class IdMimeMessage extends MimeMessage {
        private final String domain;

        IdMimeMessage(Session session, String domain) {
            super(session);
            this.domain = domain;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-ID") == null) {
                setHeader("Message-ID", "<" + UUID.randomUUID() + "." + System.currentTimeMillis() + "@" + domain + ">");
            }
        }
    }

    /** A file streamed when the message is written, with the content type and name given. */
    private record PathDataSource(Path path, String contentType, String name) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return Files.newInputStream(path);
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            throw new IOException("attachment " + path + " is read-only");
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public String getName() {
            return name;
        }
    }
}
