package dev.sluice.examples.javadoc;

import dev.sluice.block.Secret;
import dev.sluice.cli.SluiceCli;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The code examples of sluice-server's and sluice-cli's Javadoc, each in a method that first declares what the example
 * uses ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line).
 */
@SuppressWarnings("unused")
final class ServerExamples {
    private ServerExamples() {
    }

    /** {@link ApiKeys}'s class comment. */
    static void apiKeys() {
        try (ApiKeys keys = ApiKeys.open(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))) {
            NewApiKey ci = keys.create("ci", Role.OPERATOR);
            System.out.println("key (shown once): " + ci.token().reveal());
        }
    }

    /** {@link ServerOptions}'s class comment. */
    static ServerOptions serverOptions(String password) {
        ServerOptions options = ServerOptions.builder()
                .database(HistoryDatabase.of("jdbc:postgresql://db/sluice", "sluice", Secret.of(password)))
                .host("0.0.0.0")            // refused unless API keys exist
                .port(4200)
                .build();
        return options;
    }

    /** {@link SluiceServer}'s class comment. */
    static void sluiceServer() throws InterruptedException {
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().port(4200).build())) {
            server.await(); // until close() or the JVM ends
        }
    }

    /** The package comment of {@code dev.sluice.server}. */
    static void serverPackage() throws InterruptedException {
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder()
                .database(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))
                .build())) {
            System.out.println("dashboard at " + server.url());
            server.await();
        }
    }

    /** {@link SluiceCli}'s class comment. */
    static int sluiceCli(PrintStream out, PrintStream err) {
        int exit = SluiceCli.builder().out(out).err(err).build().run("runs", "ls", "--state", "FAILED", "--json");
        return exit;
    }
}
