package dev.sluice.examples;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.block.Blocks;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.LogNotifier;
import dev.sluice.notify.Notify;
import dev.sluice.RunContext;
import dev.sluice.block.Secret;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Named blocks and failure notifications: saves credentials once, loads them by name, and sends a
 * notification (to the log) when a flow that uses them fails; the password shows up nowhere.
 * Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.BlocksExample}.
 */
public final class BlocksExample {
    private BlocksExample() {
    }

    /** A block: named credentials for the warehouse; the password is a {@link Secret}. */
    @BlockType("example-warehouse-credentials")
    public record WarehouseCredentials(String host, String database, String user, Secret password) implements Block {
        /** The JDBC URL, password included (so it is worth masking). */
        public String jdbcUrl() {
            return "jdbc:postgresql://" + host + "/" + database + "?user=" + user + "&password=" + password.reveal();
        }
    }

    public static void main(String[] args) throws IOException {
        // a throw-away $SLUICE_HOME, so the example leaves nothing behind in ~/.sluice
        Path home = Files.createTempDirectory("sluice-home");
        SluiceRuntime.replaceDefault(SluiceRuntime.builder().home(home).build());

        // blocks-start
        // once, from a setup script: the password is encrypted at rest under $SLUICE_HOME/blocks
        Blocks.save("warehouse", new WarehouseCredentials("db.example.com", "dw", "etl", Secret.of("s3cr3t-pa55")), true);

        // in any program: load by name
        WarehouseCredentials warehouse = Blocks.load(WarehouseCredentials.class, "warehouse");

        Task<String, Integer> loadTable = Task.of("load-table", (String table) -> {
            String url = warehouse.jdbcUrl();
            RunContext.logger().info("loading {} through {}", table, url);     // the password is masked
            throw new SQLException("connection refused: " + url);               // and masked here too
        });
        Flow<String, Integer> nightly = Flow.of("nightly-load", (String table) -> loadTable.run(table))
                .withParameterNames("table")
                .onFailure(Notify.via(new LogNotifier("example.alerts")));

        FlowRun<Integer> run = nightly.runForState("orders");
        // blocks-end

        System.out.printf("%nflow run '%s' ended %s%n", run.name(), run.state());
        System.out.println("error kept with the run: " + run.error().orElseThrow().summary());
        System.out.println("saved blocks: " + Blocks.list());
        System.out.println("block file on disk:");
        System.out.println(Files.readString(home.resolve("blocks/example-warehouse-credentials/warehouse.json")));
    }
}
