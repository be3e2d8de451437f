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
        mime.setSubject(m.subject(), UTF_8);
        mime.setSentDate(new Date());
        for (var header : m.headers().entrySet()) {
            mime.setHeader(header.getKey(), encode(header.getKey(), header.getValue()));
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
        return part;
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

    private static String encode(String name, String value) throws MessagingException {
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, UTF_8, null));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("cannot encode header " + name, e);
        }
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
