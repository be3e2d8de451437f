package dev.sluice.tasks.email;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.block.Secret;

/** GreenMail on free ports of 127.0.0.1 (other test JVMs run at the same time: never fixed ports). */
final class GreenMailServers {
    static final String USER = "sender@example.com";
    static final String PASSWORD = "s3cr3t-Pa55word";

    private GreenMailServers() {
    }

    /** SMTP and SMTPS, with one user ({@link #USER} / {@link #PASSWORD}); started. */
    static GreenMail start() {
        ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
        ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
        GreenMail greenMail = new GreenMail(new ServerSetup[] {smtp, smtps})
                .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, PASSWORD));
        greenMail.start();
        return greenMail;
    }

    /** Credentials for GreenMail's plain SMTP port, logging in as {@link #USER}. */
    static EmailServerCredentials smtp(GreenMail greenMail) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, USER, Secret.of(PASSWORD))
                .withPort(greenMail.getSmtp().getPort());
    }

    /** Credentials for GreenMail's SMTPS port (self-signed certificate: trustAll, as tests may). */
    static EmailServerCredentials smtps(GreenMail greenMail) {
        return EmailServerCredentials.of("127.0.0.1", EmailSecurity.SSL, USER, Secret.of(PASSWORD))
                .withPort(greenMail.getSmtps().getPort())
                .withTrustAll(true);
    }
}
