package dev.sluice.blocks.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsCredentials;
import dev.sluice.cache.ResultStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;

/** SDK clients belong to a {@link SluiceRuntime}: never shared between two, closed with theirs. */
class AwsClientsTest {
    private static final AwsCredentials KEYS = AwsCredentials.of("AKIDEXAMPLE", Secret.of("very-secret-key"))
            .withRegion("eu-west-1").withEndpointOverride("http://127.0.0.1:4566");

    @TempDir
    Path home;

    private SluiceRuntime a;
    private SluiceRuntime b;

    @BeforeEach
    void twoRuntimes() {
        a = runtime("a");
        b = runtime("b");
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private SluiceRuntime runtime(String name) {
        return SluiceRuntime.builder().home(home.resolve(name)).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).build();
    }

    @Test
    void equalCredentialsInTwoRuntimesGetTwoClients() {
        SecretsManagerClient inA = a.call(KEYS::secretsManager);
        SecretsManagerClient inB = b.call(KEYS::secretsManager);
        assertThat(inA).isNotSameAs(inB);
        assertThat(a.call(KEYS::secretsManager)).isSameAs(inA);
        AwsCredentialsProvider providerA = a.call(KEYS::credentialsProvider);
        assertThat(b.call(KEYS::credentialsProvider)).isNotSameAs(providerA);
        assertThat(a.call(KEYS::credentialsProvider)).isSameAs(providerA);
        assertThat(a.call(() -> AwsClients.current().openClients())).isEqualTo(1);
    }

    @Test
    void closingARuntimeClosesItsClientsOnly() {
        a.call(KEYS::secretsManager);
        a.call(() -> KEYS.client(StsClient.class));
        a.call(() -> KEYS.withRoleArn("arn:aws:iam::123456789012:role/etl").credentialsProvider()); // an STS client inside
        SecretsManagerClient inB = b.call(KEYS::secretsManager);
        AwsClients clientsOfA = a.call(AwsClients::current);
        AwsClients clientsOfB = b.call(AwsClients::current);
        assertThat(clientsOfA.openClients()).isEqualTo(3);

        a.close();
        assertThat(clientsOfA.openClients()).isZero();
        assertThat(clientsOfB.openClients()).isEqualTo(1);
        assertThat(b.call(KEYS::secretsManager)).isSameAs(inB);
        assertThatThrownBy(() -> clientsOfA.clientFor(KEYS, SecretsManagerClient.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> a.call(KEYS::secretsManager)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
