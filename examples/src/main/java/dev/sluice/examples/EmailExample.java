package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.RetryPolicy;
import dev.sluice.notify.Notification;
import dev.sluice.block.Secret;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.email.EmailMessage;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailSendResult;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.email.EmailTasks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends a report email, a small batch over one connection, and a failure notification. Without
 * {@code SMTP_HOST} in the environment it only prints what it would send; with it (and
 * {@code SMTP_PORT}, {@code SMTP_SECURITY} = SSL/STARTTLS/NONE, {@code SMTP_USER},
 * {@code SMTP_PASSWORD}, {@code MAIL_TO}) it really sends.
 * Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.EmailExample}.
 */
public final class EmailExample {
    private EmailExample() {
    }

    public static void main(String[] args) {
        String host = System.getenv("SMTP_HOST");
        String to = System.getenv().getOrDefault("MAIL_TO", "team@example.com");

        // email-example-start
        EmailServerCredentials smtp = EmailServerCredentials.of(
                        host == null ? "smtp.example.com" : host,
                        EmailSecurity.valueOf(System.getenv().getOrDefault("SMTP_SECURITY", "STARTTLS")),
                        System.getenv().getOrDefault("SMTP_USER", "reports@example.com"),
                        Secret.of(System.getenv().getOrDefault("SMTP_PASSWORD", "not-set")))
                .withPort(Integer.parseInt(System.getenv().getOrDefault("SMTP_PORT", "0")));  // 0: 465/587/25 by security

        EmailMessage report = EmailMessage.builder()
                .to(to)
                .subject("Daily load: 1,204 rows")
                .text("1,204 rows loaded into warehouse.orders.")
                .html("<p><b>1,204</b> rows loaded into <code>warehouse.orders</code>.</p>")
                .attach("orders.csv", "id,total\n1,9.99\n2,24.50\n".getBytes(StandardCharsets.UTF_8), "text/csv")
                .header("X-Pipeline", "daily-etl")
                .build();

        // one message: a task, retried on connection failures (not on a wrong password), returning the Message-ID
        var send = EmailTasks.sendMessage()
                .withRetryPolicy(RetryPolicy.fixed(3, Duration.ofSeconds(5)).retryIf(EmailTasks::isRetryable));
        // many messages over one connection, one result each
        var sendAll = EmailTasks.sendMessages();
        // a notifier for flow failures: Notify.via(notifier), or EmailNotifier.of("ops-smtp", ...) for a saved block
        EmailNotifier notifier = EmailNotifier.of(smtp, List.of(to)).withSubjectPrefix("[etl] ");

        Flow<EmailMessage, String> flow = Flow.of("email-report", (EmailMessage m) -> send.run(smtp, m));
        // email-example-end

        if (host == null) {
            System.out.println("SMTP_HOST is not set, so nothing is sent. With it, this example would:");
            System.out.printf("  1. connect to %s with %s as %s and send %s (%d attachment) to %s%n",
                    smtp.address(), smtp.security(), smtp.username(), "'" + report.subject() + "'",
                    report.attachments().size(), report.to());
            System.out.printf("  2. send 3 messages over one connection with task '%s'%n", sendAll.name());
            System.out.printf("  3. email the notification '%s'%n",
                    notifier.message(Notification.of("Flow 'daily-etl' failed", "example", Severity.ERROR)).subject());
            return;
        }
        String id = flow.run(report);
        System.out.println("sent " + id);
        List<EmailSendResult> results = sendAll.run(smtp, List.of(
                EmailMessage.of(to, "batch 1", "one"), EmailMessage.of(to, "batch 2", "two"), EmailMessage.of(to, "batch 3", "three")));
        results.forEach(r -> System.out.println("message " + r.index() + ": " + r.status()));
        notifier.send(new Notification("Flow 'daily-etl' failed", "This is what a failure email looks like.",
                Severity.ERROR, Map.of("example", "true")));
        System.out.println("notification sent to " + to);
    }
}
