package dev.sluice.examples.sales;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.State;
import dev.sluice.tasks.email.EmailNotifier;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.http.ApiKey;
import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlPools;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The main example pointed at real services by saving blocks, as the README says: a PostgreSQL
 * server (embedded, on a random port) as the database and an SMTP server (GreenMail) behind an
 * {@code EmailNotifier} block named on the command line.
 */
class DailySalesPostgresIT {
    private static final LocalDate DATE = LocalDate.of(2026, 11, 19);
    private static final List<String> REGIONS = List.of("east", "west");
    private static final String SMTP_PASSWORD = "smtp-Pa55-for-ops";
    private static final String DB_PASSWORD = "pg-Pa55-warehouse";

    @RegisterExtension
    static final TemporarySluiceHome HOME = new TemporarySluiceHome();
    private static EmbeddedPostgres pg;
    private static GreenMail smtp;
    private static DatabaseCredentials db;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("etl@example.com", "etl@example.com", SMTP_PASSWORD));
        smtp.start();
        // what a user does once, from a setup script
        db = DatabaseCredentials.of("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres",
                Secret.of(DB_PASSWORD));
        Blocks.save("warehouse", db);
        Blocks.save("ops-smtp", EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "etl@example.com",
                Secret.of(SMTP_PASSWORD)).withPort(smtp.getSmtp().getPort()));
        Blocks.save("ops-email", EmailNotifier.of("ops-smtp", List.of("oncall@example.com")));
    }

    @AfterAll
    static void stop() throws Exception {
        SqlPools.close();
        smtp.stop();
        pg.close();
    }

    private static DailySales.Outcome run(String... args) throws Exception {
        DailySales.Options options = DailySales.Options.parse(args);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            DailySales.Outcome outcome = DailySales.run(options, List.of(), out);
            DailySales.printSummary(outcome, out);
            return outcome;
        }
    }

    @Test
    void loadsIntoPostgresAndEmailsAFailureWithoutSecrets() throws Exception {
        String[] base = {"--date", DATE.toString(), "--regions", String.join(",", REGIONS),
                "--database-block", "warehouse", "--notify", "email-notifier/ops-email"};

        DailySales.Outcome ok = run(base);
        assertThat(ok.run().state()).isEqualTo(State.COMPLETED);
        Map<String, BigDecimal> expected = SalesExpectations.normalized(SalesExpectations.expectedRevenue(DATE, REGIONS));
        assertThat(expected).as("the stand-in has sales for the day").isNotEmpty();
        assertThat(SalesExpectations.tableRevenue(db, DATE)).isEqualTo(expected);
        assertThat(smtp.getReceivedMessages()).as("no notification for a run that completed").isEmpty();

        String[] failing = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
                java.util.stream.Stream.of("--fail-at", "load")).toArray(String[]::new);
        DailySales.Outcome failed = run(failing);
        assertThat(failed.run().state()).isEqualTo(State.FAILED);
        assertThat(smtp.waitForIncomingEmail(15_000, 1)).isTrue();
        MimeMessage mail = smtp.getReceivedMessages()[0];
        String text = mail.getSubject() + "\n" + GreenMailUtil.getBody(mail);
        String apiKey = Blocks.load(ApiKey.class, "sales-api-key").key().reveal();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
        assertThat(text).contains("daily-sales").contains("FAILED").contains("load-sales")
                .contains("load failed on purpose")
                .doesNotContain(DB_PASSWORD).doesNotContain(SMTP_PASSWORD).doesNotContain(apiKey);
        assertThat(SalesExpectations.tableRevenue(db, DATE)).as("a failed load leaves the table as it was")
                .isEqualTo(expected);
    }

    @Test
    void readsARealApiGivenByUrlWithItsOwnKeyBlock() throws Exception {
        LocalDate day = DATE.minusDays(1);
        try (SalesApiStandIn partner = SalesApiStandIn.start("partner-key-0042", 120)) {
            Blocks.save("partner-api", ApiKey.header("X-API-Key", Secret.of("partner-key-0042")), true);
            DailySales.Outcome outcome = run("--date", day.toString(), "--regions", "east",
                    "--api-url", partner.baseUrl(), "--api-key-block", "partner-api", "--database-block", "warehouse");

            assertThat(outcome.run().state()).isEqualTo(State.COMPLETED);
            assertThat(partner.requests()).as("the 503 and the pages came from the given API").isGreaterThanOrEqualTo(4);
            Map<String, BigDecimal> expected = SalesExpectations.normalized(SalesExpectations.expectedRevenue(day, List.of("east")));
            assertThat(expected).isNotEmpty();
            assertThat(SalesExpectations.tableRevenue(db, day)).isEqualTo(expected);
        }
    }
}
