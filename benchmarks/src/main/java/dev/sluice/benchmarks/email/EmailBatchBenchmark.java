package dev.sluice.benchmarks.email;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.block.Secret;
import dev.sluice.tasks.email.EmailMessage;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailSendResult;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.email.EmailTasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sends N messages (default 1,000) to an in-process GreenMail, over plain SMTP with AUTH and over
 * SMTPS with AUTH, two ways in the same run: {@code EmailTasks.sendMessages()} (one connection for
 * the batch) and {@code EmailTasks.sendMessage()} once per message (one connection per message, as
 * Prefect's {@code email_send_message} task does). Prints messages/s per round and the median.
 *
 * <pre>
 * ./mvnw -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.email.EmailBatchBenchmark [messages] [rounds]
 * </pre>
 */
public final class EmailBatchBenchmark {
    private static final String USER = "bench@example.com";
    private static final String PASSWORD = "bench-password";

    private EmailBatchBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        GreenMail greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
                new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort()})
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, PASSWORD));
        greenMail.start();
        try {
            EmailServerCredentials smtp = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, USER, Secret.of(PASSWORD))
                    .withPort(greenMail.getSmtp().getPort());
            EmailServerCredentials smtps = EmailServerCredentials.of("127.0.0.1", EmailSecurity.SSL, USER, Secret.of(PASSWORD))
                    .withPort(greenMail.getSmtps().getPort())
                    .withTrustAll(true); // GreenMail's self-signed certificate
            List<EmailMessage> batch = messages(messages);

            System.out.printf("%d messages per round, %d rounds after a warm-up round; %s, %d cpus%n%n", messages, rounds,
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            System.out.printf("%-8s %-36s %s%n", "server", "how", "messages/s per round -> median");
            for (EmailServerCredentials server : List.of(smtp, smtps)) {
                String name = server.security() == EmailSecurity.SSL ? "SMTPS" : "SMTP";
                double[] oneConnection = new double[rounds];
                double[] perMessage = new double[rounds];
                runBatch(server, messages(Math.min(messages, 200)), greenMail);      // warm-up
                runEach(server, messages(Math.min(messages, 200)), greenMail);
                for (int r = 0; r < rounds; r++) {
                    oneConnection[r] = runBatch(server, batch, greenMail);
                    perMessage[r] = runEach(server, batch, greenMail);
                }
                double a = median(oneConnection);
                double b = median(perMessage);
                System.out.printf("%-8s %-36s %s -> %.0f%n", name, "sendMessages (one connection)", fmt(oneConnection), a);
                System.out.printf("%-8s %-36s %s -> %.0f%n", name, "sendMessage x N (one per message)", fmt(perMessage), b);
                System.out.printf("%-8s ratio one connection / one per message: %.1fx%n%n", name, a / b);
            }
        } finally {
            greenMail.stop();
        }
    }

    private static double runBatch(EmailServerCredentials server, List<EmailMessage> batch, GreenMail greenMail) throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
        long start = System.nanoTime();
        List<EmailSendResult> results = EmailTasks.sendMessages().run(server, batch);
        long nanos = System.nanoTime() - start;
        if (results == null || !results.stream().allMatch(EmailSendResult::sent)) {
            throw new IllegalStateException("not every message was sent: " + results);
        }
        check(greenMail, batch.size());
        return batch.size() / (nanos / 1e9);
    }

    private static double runEach(EmailServerCredentials server, List<EmailMessage> batch, GreenMail greenMail) throws Exception {
        greenMail.purgeEmailFromAllMailboxes();
        var task = EmailTasks.sendMessage();
        long start = System.nanoTime();
        for (EmailMessage message : batch) {
            task.run(server, message);
        }
        long nanos = System.nanoTime() - start;
        check(greenMail, batch.size());
        return batch.size() / (nanos / 1e9);
    }

    private static void check(GreenMail greenMail, int expected) {
        if (!greenMail.waitForIncomingEmail(30_000, expected) || greenMail.getReceivedMessages().length != expected) {
            throw new IllegalStateException("GreenMail received " + greenMail.getReceivedMessages().length + " of " + expected);
        }
    }

    private static List<EmailMessage> messages(int n) {
        List<EmailMessage> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(EmailMessage.builder()
                    .to("user" + (i % 10) + "@example.com")
                    .subject("Load report " + i)
                    .text("Rows loaded: " + (i * 37) + "\nStatus: ok\n")
                    .build());
        }
        return list;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String fmt(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.0f", v));
        }
        return sb.toString();
    }
}
