package dev.sluice.cli.internal;

import dev.sluice.cli.SluiceCli;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice server start}. */
final class ServerCommands {
    private ServerCommands() {
    }

    @Command(name = "server", description = "The dashboard and JSON API.", subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("start", new Start(cli));
    }

    @Command(name = "start", description = {"Starts the dashboard and JSON API over the run history and blocks, prints its URL,",
        "and serves until stopped (Ctrl-C, SIGTERM). Without API keys it binds to loopback only."})
    static final class Start implements Runnable {
        private final Cli cli;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "The address to bind (default ${DEFAULT-VALUE}).")
        String host;

        @Option(names = "--port", defaultValue = "4200", description = "The port (default ${DEFAULT-VALUE}; 0 for any free one).")
        int port;

        @Option(names = "--allowed-host", paramLabel = "NAME",
                description = {"A host name requests may name in Host besides this machine's (a proxy's; repeat for more).",
                    "Without it a loopback server answers only 127.0.0.1, localhost and [::1] (DNS rebinding guard)."})
        java.util.List<String> allowedHosts = new java.util.ArrayList<>();

        @Option(names = "--secure-cookies", description = "Mark cookies Secure on every answer (behind a proxy that terminates TLS).")
        boolean secureCookies;

        @Option(names = "--require-api-keys", description = "Require an API key even on loopback while none exists.")
        boolean requireApiKeys;

        @Option(names = "--session-timeout", paramLabel = "DURATION",
                description = "How long a dashboard login lasts without use: 30m, 8h, 1d or ISO-8601 (PT8H); default 12 hours.")
        @org.jspecify.annotations.Nullable String sessionTimeout;

        @Option(names = "--threads", paramLabel = "N",
                description = "The most requests answered at once (8 to 1000; default 8 a processor, at least 16).")
        @org.jspecify.annotations.Nullable Integer threads;

        Start(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            if (cli.remote() != null) {
                throw new CliException(SluiceCli.USAGE, "server start serves a database: give --database, not --server");
            }
            ServerOptions.Builder builder = ServerOptions.builder().host(host).port(port)
                    .allowedHosts(allowedHosts.toArray(String[]::new)).secureCookies(secureCookies).requireApiKeys(requireApiKeys);
            if (sessionTimeout != null) {
                builder.sessionTimeout(Durations.length(sessionTimeout, "--session-timeout"));
            }
            if (threads != null) {
                builder.threads(threads);
            }
            ServerOptions options = builder.database(cli.database()).blockStore(cli.runtime().blockStore()).printUrl(false).build();
            boolean interrupted = false;
            SluiceServer started;
            try {
                started = SluiceServer.start(options);
            } catch (dev.sluice.server.ServerException e) {
                if (e.getCause() instanceof java.net.BindException) {
                    throw new CliException(SluiceCli.FAILED, "cannot start the server on " + host + ":" + port
                            + ": the port is in use (is another server running?); choose another with --port");
                }
                throw e;
            }
            try (SluiceServer server = started) {
                cli.out.println("Sluice dashboard at " + server.url() + " (Ctrl-C stops it)");
                cli.out.flush();
                Thread hook = new Thread(server::close, "sluice-server-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    server.await();
                } catch (InterruptedException e) {
                    interrupted = true; // stop: the server is closed below, with the flag clear so Jetty stops cleanly
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is stopping: the hook closes the server
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
