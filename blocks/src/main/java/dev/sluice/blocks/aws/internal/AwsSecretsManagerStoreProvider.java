package dev.sluice.blocks.aws.internal;

import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreProvider;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.blocks.aws.AwsSecretsManagerBlockStore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
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
        AwsSecretsManagerBlockStore store = AwsSecretsManagerBlockStore.of(credentials,
                prefix.isBlank() ? AwsSecretsManagerBlockStore.DEFAULT_PREFIX : prefix.strip());
        Duration connect = duration(environment, "SLUICE_AWS_CONNECT_TIMEOUT", store.connectTimeout());
        Duration call = duration(environment, "SLUICE_AWS_CALL_TIMEOUT", store.callTimeout());
        return store.withTimeouts(connect, call);
    }

    /** The duration in variable {@code name}: seconds ({@code 5}, {@code 1.5}) or ISO-8601 ({@code PT5S}). */
    static Duration duration(Map<String, String> environment, String name, Duration otherwise) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        String v = value.strip();
        try {
            if (v.startsWith("P") || v.startsWith("p")) {
                return Duration.parse(v);
            }
            return Duration.ofMillis(new BigDecimal(v).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " must be a duration in seconds (such as 5 or 1.5) or ISO-8601"
                    + " (such as PT5S), was '" + v + "'");
        }
    }
}
