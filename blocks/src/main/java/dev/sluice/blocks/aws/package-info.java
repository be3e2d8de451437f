/**
 * AWS blocks: {@link dev.sluice.blocks.aws.AwsCredentials} (keys, a profile, a role, or the SDK's
 * default chain), {@link dev.sluice.blocks.aws.AwsSecret} (one Secrets Manager secret: read, write,
 * delete) and {@link dev.sluice.blocks.aws.AwsSecretsManagerBlockStore} (a
 * {@link dev.sluice.block.BlockStore} keeping each block as one secret).
 *
 * <pre>{@code
 * Blocks.save("aws-prod", AwsCredentials.defaultChain().withRegion("eu-west-1"));
 * Blocks.save("warehouse-password", new AwsSecret("aws-prod", "prod/warehouse/password"));
 * Secret password = Blocks.load(AwsSecret.class, "warehouse-password").read();
 * }</pre>
 *
 * <p>Failures are {@link dev.sluice.blocks.aws.AwsSecretException}s that name the secret and
 * the reason (not found, access denied, throttled, network) and never contain a secret value.
 */
@NullMarked
package dev.sluice.blocks.aws;

import org.jspecify.annotations.NullMarked;
