package dev.sluice.examples.javadoc;

import dev.sluice.block.Secret;
import dev.sluice.tasks.email.EmailMessage;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.email.EmailTasks;
import java.nio.file.Path;
import java.util.List;

/**
 * The code examples of sluice-tasks-email's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line).
 */
@SuppressWarnings("unused")
final class EmailExamples {
    private EmailExamples() {
    }

    /** {@link EmailMessage}'s class comment. */
    static EmailMessage emailMessage() {
        EmailMessage message = EmailMessage.builder()
                .to("team@example.com")
                .bcc("audit@example.com")
                .subject("Daily load")
                .text("1,204 rows loaded")
                .html("<p><b>1,204</b> rows loaded</p>")
                .attach(Path.of("report.csv"))
                .build();
        return message;
    }

    /** {@link EmailNotifier}'s class comment. */
    static void emailNotifier(EmailServerCredentials smtp) {
        EmailNotifier notifier = EmailNotifier.of("ops-smtp", List.of("oncall@example.com"));   // credentials by name
        EmailNotifier direct = EmailNotifier.of(smtp, List.of("oncall@example.com"));           // credentials given
    }

    /** {@link EmailServerCredentials}'s class comment. */
    static void emailServerCredentials() {
        EmailServerCredentials smtp = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS,
                "reports@example.com", Secret.of(System.getenv("SMTP_PASSWORD")));
    }

    /** {@link EmailTasks#sendMessage()}. */
    static String sendMessage(EmailServerCredentials smtp) {
        String id = EmailTasks.sendMessage().run(smtp, EmailMessage.of("ops@example.com", "Loaded", "1,204 rows"));
        return id;
    }

    /** The package comment of {@code dev.sluice.tasks.email}. */
    static void emailPackage() {
        EmailServerCredentials smtp = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS,
                "reports@example.com", Secret.of(System.getenv("SMTP_PASSWORD")));
        EmailMessage message = EmailMessage.builder()
                .to("team@example.com")
                .subject("Daily load")
                .text("1,204 rows loaded")
                .build();
        String messageId = EmailTasks.sendMessage().run(smtp, message);
    }
}
