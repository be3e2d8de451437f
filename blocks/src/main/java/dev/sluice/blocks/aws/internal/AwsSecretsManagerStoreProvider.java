package dev.sluice.blocks.aws.internal;

import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreProvider;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecretsManagerBlockStore;
import java.util.Map;

/** {@code SLUICE_BLOCK_STORE=aws-secrets-manager}: the store with the default credential chain. */
public final class AwsSecretsManagerStoreProvider implements BlockStoreProvider {
    @Override
    public String name() {
        return "aws-secrets-manager";
    }

    @Override
    public BlockStore create(Map<String, String> environment) {
        AwsCredentials credentials = AwsCredentials.defaultChain();
        String region = environment.get("SLUICE_AWS_REGION");
        if (region != null && !region.isBlank()) {
            credentials = credentials.withRegion(region.strip());
        }
        String endpoint = environment.get("SLUICE_AWS_ENDPOINT");
        if (endpoint != null && !endpoint.isBlank()) {
            credentials = credentials.withEndpointOverride(endpoint.strip());
        }
        String prefix = environment.getOrDefault("SLUICE_AWS_SECRETS_PREFIX", AwsSecretsManagerBlockStore.DEFAULT_PREFIX);
        return AwsSecretsManagerBlockStore.of(credentials, prefix.isBlank() ? AwsSecretsManagerBlockStore.DEFAULT_PREFIX
                : prefix.strip());
    }
}
