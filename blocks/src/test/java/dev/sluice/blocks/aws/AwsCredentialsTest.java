package dev.sluice.blocks.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;

/** Validation, secrecy and client caching of {@link AwsCredentials}. */
class AwsCredentialsTest {
    private static final AwsCredentials KEYS = AwsCredentials.of("AKIDEXAMPLE", Secret.of("very-secret-key"))
            .withRegion("eu-west-1").withEndpointOverride("http://127.0.0.1:4566");

    @Test
    void settingsThatDoNotFitTogetherAreRejected() {
        assertThatThrownBy(() -> new AwsCredentials("AKID", null, null, null, null, null, null))
                .hasMessage("give accessKeyId and secretAccessKey together, or neither");
        assertThatThrownBy(() -> new AwsCredentials(null, null, Secret.of("t"), null, null, null, null))
                .hasMessage("a sessionToken needs accessKeyId and secretAccessKey");
        assertThatThrownBy(() -> new AwsCredentials("AKID", Secret.of("k"), null, "dev", null, null, null))
                .hasMessage("give access keys or a profileName, not both");
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withRegion("Europe"))
                .hasMessageContaining("region 'Europe' is not an AWS region name");
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withEndpointOverride("localhost:4566"))
                .hasMessageContaining("must be an absolute URL");
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withRoleArn("etl"))
                .hasMessageContaining("is not a role ARN");
    }

    @Test
    void secretsNeverShow() {
        AwsCredentials c = KEYS.withSessionToken(Secret.of("session-token-value"));
        assertThat(c.toString()).doesNotContain("very-secret-key").doesNotContain("session-token-value")
                .contains("AKIDEXAMPLE");
        assertThat(c.describe()).isEqualTo("region eu-west-1, endpoint http://127.0.0.1:4566");
        AwsSessionCredentials resolved = (AwsSessionCredentials) c.credentialsProvider().resolveCredentials();
        assertThat(resolved.sessionToken()).isEqualTo("session-token-value");
    }

    @Test
    void clientsAreCachedPerBlockValue() {
        SecretsManagerClient a = KEYS.secretsManager();
        SecretsManagerClient b = AwsCredentials.of("AKIDEXAMPLE", Secret.of("very-secret-key"))
                .withRegion("eu-west-1").withEndpointOverride("http://127.0.0.1:4566").client(SecretsManagerClient.class);
        assertThat(b).isSameAs(a);
        assertThat(KEYS.withRegion("us-east-1").secretsManager()).isNotSameAs(a);
        StsClient sts = KEYS.client(StsClient.class);
        assertThat(KEYS.client(StsClient.class)).isSameAs(sts).isNotSameAs(a);
        assertThat(sts.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
        assertThat(a.serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
    }

    @Test
    void onlySynchronousSdkClientsAreHandedOut() {
        assertThatThrownBy(() -> KEYS.client(SecretsManagerAsyncClient.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a synchronous AWS SDK v2 client");
        assertThatThrownBy(() -> KEYS.client(SdkClient.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("builder()");
    }
}
