package dev.sluice.examples;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ApiKeys;
import dev.sluice.server.NewApiKey;
import dev.sluice.server.Role;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's "Dashboard" section: a few runs recorded into a history file, an API key, and the
 * dashboard over that file. Arguments: the port (default 4200; 0 for any free one) and {@code --wait}
 * to keep serving until the JVM is stopped.
 */
public final class ServerExample {
    private ServerExample() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 4200;
        boolean wait = List.of(args).contains("--wait");
        Path home = Files.createTempDirectory("sluice-server-example");
        HistoryDatabase database = HistoryDatabase.sqlite(home.resolve("sluice.db"));
        try (History history = History.open(database);
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).withoutExtensions()
                        .recorder(history.recorder()).build()) {
            Task<String, Integer> measure = Task.of("measure", (String city) -> {
                RunContext.logger().info("measuring {}", city);
                return city.length();
            });
            Flow<String, Integer> report = Flow.named("city-report").withRunName("report-{arg0}")
                    .of((String city) -> measure.run(city) * 10);
            for (String city : List.of("boston", "lisbon", "osaka")) {
                runtime.runForState(report, city);
            }
        }
        // dashboard-start
        try (ApiKeys keys = ApiKeys.open(database)) {
            NewApiKey ops = keys.create("ops", Role.OPERATOR);      // only its hash is stored
            System.out.println("API key for 'ops' (shown once): " + ops.token().reveal());
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder()
                .database(database)                               // runs and keys: one database
                .port(port)                                       // 127.0.0.1 unless host(...) says otherwise
                .build())) {
            System.out.println("log in at " + server.url() + " with the key");
            if (wait) {
                server.await();
            }
        }
        // dashboard-end
    }
}
