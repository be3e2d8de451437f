package dev.sluice.examples;

import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.RunContext;
import dev.sluice.block.Secret;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import java.sql.SQLException;

/**
 * Secrets in AWS Secrets Manager and a Teams message when a flow fails: saves an
 * {@link AwsCredentials} block and an {@link AwsSecret} block, reads the warehouse password from
 * AWS inside a task, and wires a {@link MicrosoftTeamsWebhook} to the flow's failure.
 *
 * <p>With {@code AWS_REGION} (and credentials the SDK's default chain finds) and
 * {@code SLUICE_EXAMPLE_TEAMS_URL} set, it talks to AWS and Teams for real; without them it prints
 * what it would do. Run it with {@code ./mvnw -q -pl examples -am package exec:exec -DskipTests
 * -Dexample.main=dev.sluice.examples.SecretsAndNotificationsExample}.
 */
public final class SecretsAndNotificationsExample {
    private SecretsAndNotificationsExample() {
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

        // secrets-start
        // once, from a setup script: where the password lives and how to reach AWS
        Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion(region), true);
        Blocks.save("warehouse-password", AwsSecret.of("aws-prod", "prod/warehouse/password"), true); // refers to aws-prod by name
        Blocks.save("ops-teams", new MicrosoftTeamsWebhook(Secret.of(teamsUrl)), true);

        // in the pipeline: the secret is read from AWS when the task runs, and masked in every log line
        AwsSecret passwordBlock = Blocks.load(AwsSecret.class, "warehouse-password");
        Task<String, Integer> loadTable = Task.of("load-table", (String table) -> {
            Secret password = live ? passwordBlock.read() : Secret.of("dry-run-password");
            RunContext.logger().info("loading {} as etl/{}", table, password.reveal());  // logs etl/**********
            throw new SQLException("warehouse refused the connection for table " + table);
        });
        Notifier teams = live ? Blocks.load(MicrosoftTeamsWebhook.class, "ops-teams")
                : notification -> System.out.println("would post to Teams (ops-teams):\n" + notification.text() + "\n");
        Flow<String, Integer> nightly = Flow.of("nightly-load", (String table) -> loadTable.run(table))
                .withParameterNames("table")
                .onFailure(Notify.via(teams));

        FlowRun<Integer> run = nightly.runForState("orders");
        // secrets-end

        if (!live) {
            System.out.println("would read AWS secret '" + passwordBlock.secretName() + "' in " + region
                    + " with credentials block '" + passwordBlock.credentials() + "'");
        }
        System.out.printf("flow run '%s' ended %s%n", run.name(), run.state());
        System.out.println("saved blocks: " + Blocks.list());
    }
}
