package dev.sluice.examples.javadoc;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockRef;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecret;
import dev.sluice.blocks.aws.AwsSecretsManagerBlockStore;
import dev.sluice.blocks.aws.SecretVersion;
import dev.sluice.blocks.webhook.CustomWebhook;
import dev.sluice.blocks.webhook.MicrosoftTeamsWebhook;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The code examples of sluice-blocks' Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line).
 */
@SuppressWarnings("unused")
final class BlocksExamples {
    private BlocksExamples() {
    }

    /** {@link AwsCredentials}'s class comment. */
    static void awsCredentials() {
        AwsCredentials prod = AwsCredentials.defaultChain().withRegion("eu-west-1");
        AwsCredentials ci = AwsCredentials.of("AKIA...", Secret.of(System.getenv("AWS_SECRET")))
                .withRoleArn("arn:aws:iam::123456789012:role/etl");
        SecretsManagerClient sm = prod.client(SecretsManagerClient.class);
    }

    /** {@link AwsSecret}'s class comment. */
    static void awsSecret() {
        Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion("eu-west-1"));
        AwsSecret password = AwsSecret.of("aws-prod", "prod/warehouse/password");
        // the same: new AwsSecret("aws-prod", ...) or new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-prod"), ...)
        password.write("s3cret");                       // creates the secret, or adds a version
        Secret current = password.read();
        Secret before = password.read(SecretVersion.previous());
    }

    /** {@link AwsSecretsManagerBlockStore}'s class comment. */
    static void awsSecretsManagerBlockStore() {
        SluiceRuntime runtime = SluiceRuntime.builder()
                .blockStore(AwsSecretsManagerBlockStore.of(AwsCredentials.defaultChain().withRegion("eu-west-1")))
                .build();
        // or, for the default runtime without code: SLUICE_BLOCK_STORE=aws-secrets-manager,file  (see below)
    }

    /** The package comment of {@code dev.sluice.blocks.aws}. */
    static void awsPackage() {
        Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion("eu-west-1"));
        Blocks.save("warehouse-password", new AwsSecret("aws-prod", "prod/warehouse/password"));
        Secret password = Blocks.load(AwsSecret.class, "warehouse-password").read();
    }

    /** {@link CustomWebhook}'s class comment. */
    static CustomWebhook customWebhook() {
        CustomWebhook hook = CustomWebhook.builder(Secret.of("https://alerts.example.com/api/events"))
                .secret("token", Secret.of(System.getenv("ALERTS_TOKEN")))
                .header("Authorization", "Bearer {{token}}")
                .jsonBody("{\"title\": \"{{subject}}\", \"text\": \"{{body}}\", \"level\": \"{{severity}}\"}")
                .build();
        return hook;
    }

    /** {@link MicrosoftTeamsWebhook}'s class comment. */
    static void microsoftTeamsWebhook(Flow<String, Integer> flow) {
        Notifier teams = new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com:443/workflows/..."));
        flow = flow.onFailure(Notify.via(teams));   // a copy with the hook: a flow never changes
    }

    /** The package comment of {@code dev.sluice.blocks.webhook}. */
    static void webhookPackage(Flow<String, Integer> flow) {
        Blocks.save("ops-teams", new MicrosoftTeamsWebhook(Secret.of("https://prod-00.westeurope.logic.azure.com/workflows/...")));
        flow = flow.onFailure(Notify.via(Blocks.load(MicrosoftTeamsWebhook.class, "ops-teams")));   // a copy with the hook: a flow never changes
    }
}
