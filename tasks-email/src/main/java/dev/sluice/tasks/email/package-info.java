/**
 * Email for Sluice: the {@link dev.sluice.tasks.email.EmailServerCredentials} block, messages
 * ({@link dev.sluice.tasks.email.EmailMessage}), the prebuilt send tasks
 * ({@link dev.sluice.tasks.email.EmailTasks}) and {@link dev.sluice.tasks.email.EmailNotifier}.
 *
 * <pre>{@code
 * EmailServerCredentials smtp = EmailServerCredentials.of("smtp.example.com", EmailSecurity.STARTTLS,
 *         "reports@example.com", Secret.of(System.getenv("SMTP_PASSWORD")));
 * EmailMessage message = EmailMessage.builder()
 *         .to("team@example.com")
 *         .subject("Daily load")
 *         .text("1,204 rows loaded")
 *         .build();
 * String messageId = EmailTasks.sendMessage().run(smtp, message);
 * }</pre>
 */
@NullMarked
package dev.sluice.tasks.email;

import org.jspecify.annotations.NullMarked;
