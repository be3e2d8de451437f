package dev.sluice.tasks.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailMessageTest {

    @Test
    void buildsAValidatedImmutableMessage() {
        EmailMessage message = EmailMessage.builder()
                .from("Reports <reports@example.com>")
                .to("a@example.com", "b@example.com")
                .cc("c@example.com")
                .bcc("d@example.com")
                .replyTo("ops@example.com")
                .subject("Daily load")
                .text("hello")
                .html("<p>hello <img src=\"cid:logo\"></p>")
                .inlineImage("logo", new byte[] {1, 2, 3}, "image/png")
                .attach("data.bin", new byte[] {0, 1}, "application/octet-stream")
                .header("X-Run-Id", "42")
                .build();

        assertThat(message.recipients()).containsExactly("a@example.com", "b@example.com", "c@example.com", "d@example.com");
        assertThat(message.headers()).containsExactly(Map.entry("X-Run-Id", "42"));
        assertThat(message.inlineImages()).singleElement().satisfies(i -> assertThat(i.contentId()).contains("logo"));
        assertThatThrownBy(() -> message.to().add("x@example.com")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void copiesAttachmentBytes() {
        byte[] bytes = {1, 2, 3};
        EmailAttachment attachment = EmailAttachment.ofBytes("a.bin", bytes, "application/octet-stream");
        bytes[0] = 9;
        assertThat(attachment.bytes()).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
        attachment.bytes().orElseThrow()[1] = 9;
        assertThat(attachment.bytes()).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
    }

    @Test
    void rejectsLineBreaksInTheSubject() {
        assertThatThrownBy(() -> EmailMessage.builder().subject("hello\r\nBcc: victim@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject must not contain line breaks")
                .hasMessageContaining("hello\\r\\nBcc: victim@example.com");
        assertThatThrownBy(() -> new EmailMessage(null, List.of("a@example.com"), List.of(), List.of(), List.of(),
                "x\ny", "t", null, List.of(), List.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
    }

    @Test
    void rejectsLineBreaksInAddresses() {
        assertThatThrownBy(() -> EmailMessage.builder().to("a@example.com\r\nBcc: victim@example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to must not contain line breaks");
        assertThatThrownBy(() -> EmailMessage.builder().from("a@example.com\n"))
                .hasMessageContaining("from must not contain line breaks");
        assertThatThrownBy(() -> EmailMessage.builder().cc("a@example.com\rX"))
                .hasMessageContaining("cc must not contain line breaks");
        assertThatThrownBy(() -> EmailMessage.builder().bcc("a@example.com\nX"))
                .hasMessageContaining("bcc must not contain line breaks");
        assertThatThrownBy(() -> EmailMessage.builder().replyTo("a@example.com\nX"))
                .hasMessageContaining("replyTo must not contain line breaks");
        assertThatThrownBy(() -> new EmailMessage(null, List.of("a@example.com\r\nX: y"), List.of(), List.of(), List.of(),
                "s", "t", null, List.of(), List.of(), Map.of()))
                .hasMessageContaining("to must not contain line breaks");
    }

    @Test
    void rejectsLineBreaksInHeadersAndAttachmentNames() {
        assertThatThrownBy(() -> EmailMessage.builder().header("X-Test", "a\r\nBcc: victim@example.com"))
                .hasMessageContaining("header 'X-Test' must not contain line breaks");
        assertThatThrownBy(() -> EmailMessage.builder().header("X-Te\nst", "a"))
                .hasMessageContaining("is not legal");
        assertThatThrownBy(() -> EmailMessage.builder().header("Bcc", "victim@example.com"))
                .hasMessageContaining("header 'Bcc' is set from the message's own fields");
        assertThatThrownBy(() -> EmailAttachment.ofBytes("a\r\nb.txt", new byte[0], "text/plain"))
                .hasMessageContaining("attachment name must not contain line breaks");
        assertThatThrownBy(() -> EmailAttachment.ofBytes("a.txt", new byte[0], "text/plain\r\nX: y"))
                .hasMessageContaining("content type must not contain line breaks");
        assertThatThrownBy(() -> EmailAttachment.inline("lo\rgo", new byte[0], "image/png"))
                .hasMessageContaining("content id must not contain line breaks");
    }

    @Test
    void namesAnInvalidAddress() {
        assertThatThrownBy(() -> EmailMessage.builder().to("not-an-address"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to address 'not-an-address' is not a valid email address");
        assertThatThrownBy(() -> EmailMessage.builder().cc("a@example.com, b@example.com"))
                .hasMessageContaining("cc address 'a@example.com, b@example.com' is not a valid email address");
        assertThatThrownBy(() -> EmailMessage.builder().bcc("two words@example.com"))
                .hasMessageContaining("'two words@example.com'");
    }

    @Test
    void needsARecipient() {
        assertThatThrownBy(() -> EmailMessage.builder().subject("lonely").text("x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 'lonely' has no recipient");
    }

    @Test
    void inlineImagesNeedAnHtmlBody() {
        assertThatThrownBy(() -> EmailMessage.builder().to("a@example.com").text("x")
                .inlineImage("logo", new byte[] {1}, "image/png").build())
                .hasMessageContaining("inline images but no HTML body");
    }

    @Test
    void guessesTheContentTypeOfAFileFromItsName() {
        assertThat(EmailAttachment.ofFile(Path.of("report.txt")).contentType()).isEqualTo("text/plain");
        assertThat(EmailAttachment.ofFile(Path.of("data.unknownext")).contentType()).isEqualTo("application/octet-stream");
        assertThatThrownBy(() -> EmailAttachment.ofBytes("a", new byte[0], "nonsense"))
                .hasMessageContaining("must look like type/subtype");
    }

    @Test
    void refusesALocalPartBeyondAsciiWhichWouldReachTheServerMangled() {
        assertThatThrownBy(() -> EmailMessage.of("jürgen@example.com", "s", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("to address 'jürgen@example.com'").hasMessageContaining("SMTPUTF8");
        assertThatThrownBy(() -> EmailMessage.builder().from("Jürgen <jürgen@example.com>"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from address");
        assertThat(EmailMessage.of("Jürgen Müller <juergen@bücher.example>", "s", "t").to())
                .as("a name and a domain beyond ASCII are fine: they are encoded")
                .containsExactly("Jürgen Müller <juergen@bücher.example>");
    }
}
