package dev.sluice.examples;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notify;
import dev.sluice.RunContext;
import dev.sluice.block.Secret;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.aws.AwsSecretsManagerBlockStore;
import dev.sluice.blocks.webhook.CustomWebhook;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import java.sql.SQLException;

/**
 * Secrets in AWS Secrets Manager and a Teams message when a flow fails: saves an
 * {@link AwsCredentials} block and an {@link AwsSecret} block, reads the warehouse password from
 * AWS inside a task, and wires a {@link MicrosoftTeamsWebhook} to the flow's failure.
 *
 * <p>With {@code AWS_REGION} (and credentials the SDK's default chain finds) and
 * {@code SLUICE_EXAMPLE_TEAMS_URL} set, it talks to AWS and Teams for real: the load fails on purpose,
 * so Teams gets the failure. Without them it is a dry run: it saves the blocks in memory, makes the
 * flow and prints what it would do, without calling AWS or Teams. Run it with
 * {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests -Dexample.main=dev.sluice.examples.SecretsAndNotificationsExample}.
 */
public final class SecretsAndNotificationsExample {
    private SecretsAndNotificationsExample() {
    }

    /** Where the pipeline loads a table, as the user {@code etl} with the password read from AWS. */
    @FunctionalInterface
    public interface Warehouse {
        /**
         * Loads a table.
         *
         * @return the rows loaded
         */
        int load(String table, String user, Secret password) throws Exception;
    }

    public static void main(String[] args) {
        String region = System.getenv("AWS_REGION");
        String teamsUrl = System.getenv("SLUICE_EXAMPLE_TEAMS_URL");
        boolean live = region != null && teamsUrl != null;
        if (!live) {
            System.out.println("AWS_REGION or SLUICE_EXAMPLE_TEAMS_URL is not set: a dry run that prints what it would do,"
                    + " with blocks kept in memory.\n");
            SluiceRuntime.replaceDefault(SluiceRuntime.builder().blockStore(BlockStore.inMemory()).build());
            region = "eu-west-1";
            teamsUrl = "https://prod-00.westeurope.logic.azure.com/workflows/example/triggers/manual/paths/invoke";
        }
        saveBlocks(region, teamsUrl);
        Flow<String, Integer> nightly = nightlyLoad((table, user, password) -> {
            throw new SQLException("warehouse refused the connection for table " + table);
        });
        System.out.println("saved blocks: " + Blocks.list());
        if (live) {
            FlowRun<Integer> run = nightly.runForState("orders");
            System.out.printf("flow run '%s' ended %s; the failure went to Teams (ops-teams)%n", run.name(), run.state());
        } else {
            AwsSecret passwordBlock = Blocks.load(AwsSecret.class, "warehouse-password");
            System.out.println("would run flow '" + nightly.name() + "' for table orders: read AWS secret '"
                    + passwordBlock.secretName() + "' in " + region + " with credentials block '" + passwordBlock.credentials()
                    + "', fail on purpose, and post the failure to Teams (ops-teams)");
        }
    }

    /** Once, from a setup script: where the password lives and how to reach AWS, and where failures go. */
    static void saveBlocks(String region, String teamsUrl) {
        Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion(region), true);
        Blocks.save("warehouse-password", AwsSecret.of("aws-prod", "prod/warehouse/password"), true); // refers to aws-prod by name
        Blocks.save("ops-teams", new MicrosoftTeamsWebhook(Secret.of(teamsUrl)), true);
    }

    /** In the pipeline: the secret is read from AWS when the task runs, and masked in every log line. */
    static Flow<String, Integer> nightlyLoad(Warehouse warehouse) {
        AwsSecret passwordBlock = Blocks.load(AwsSecret.class, "warehouse-password");
        Task<String, Integer> loadTable = Task.of("load-table", (String table) -> {
            Secret password = passwordBlock.read();
            RunContext.logger().info("loading {} as etl/{}", table, password.reveal());  // logs etl/**********
            return warehouse.load(table, "etl", password);
        });
        return Flow.of("nightly-load", (String table) -> loadTable.run(table))
                .withParameterNames("table")
                .onFailure(Notify.via(Blocks.load(MicrosoftTeamsWebhook.class, "ops-teams")));
    }

    /** Every block kept in AWS Secrets Manager, as {@code sluice/<type>/<name>}. */
    static SluiceRuntime secretsManagerRuntime() {
        SluiceRuntime runtime = SluiceRuntime.builder()
                .blockStore(AwsSecretsManagerBlockStore.of(AwsCredentials.defaultChain().withRegion("eu-west-1"), "sluice"))
                .build();
        return runtime;
    }

    /** An Opsgenie alert as a custom webhook: the key a named secret, the templates checked when it is built. */
    static CustomWebhook opsgenie() {
        CustomWebhook opsgenie = CustomWebhook.builder(Secret.of("https://api.opsgenie.com/v2/alerts"))
                .secret("key", Secret.of(System.getenv("OPSGENIE_KEY")))
                .header("Authorization", "GenieKey {{key}}")
                .jsonBody("{\"message\": \"{{subject}}\", \"description\": \"{{body}}\", \"priority\": \"P3\"}")
                .build();
        return opsgenie;
    }
}
