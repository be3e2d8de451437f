package dev.sluice.blocks.aws;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.testkit.TestRuntimes;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AWS blocks' public Javadoc, sentence by sentence, against WireMock speaking Secrets Manager's protocol. */
class JavadocPromisesAwsTest {
    static final FakeSecretsManager FAKE = new FakeSecretsManager();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(FAKE)).build();

    @BeforeEach
    void setUp() {
        FAKE.install(wm);
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
    }

    @AfterEach
    void tearDown() {
        TestRuntimes.reset();
    }

    @Test
    void credentialsRefuseFieldsThatDoNotFitTogether() {
        Secret key = Secret.of("fake-secret-access-key");
        assertThatThrownBy(() -> new AwsCredentials("AKIAFAKE", null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AwsCredentials(null, key, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.of(" ", key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withSessionToken(Secret.of("fake-token")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.profile(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AwsCredentials("AKIAFAKE", key, null, "prod", null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withRegion("EU West 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withEndpointOverride("localhost:4566"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsCredentials.defaultChain().withRoleArn("etl")).isInstanceOf(IllegalArgumentException.class);
        AwsCredentials c = AwsCredentials.of("AKIAFAKE", key).withSessionToken(Secret.of("fake-session-token"))
                .withRegion("eu-west-1");
        assertThat(c.toString()).doesNotContain("fake-secret-access-key").doesNotContain("fake-session-token");
        assertThat(c.describe()).contains("eu-west-1").doesNotContain("AKIAFAKE").doesNotContain("fake-secret-access-key");
    }

    @Test
    void secretNamesAndVersionsAreCheckedAsDocumented() {
        assertThat(AwsSecret.withDefaultCredentials("a".repeat(AwsSecret.MAX_NAME_LENGTH)).secretName()).hasSize(512);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("a".repeat(AwsSecret.MAX_NAME_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("prod db")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AwsSecret.withDefaultCredentials("prod/a_b+c=d.e@f-g").credentials()).isNull();
        assertThat(AwsSecret.withDefaultCredentials("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"))
                .isNotNull();
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("arn:aws:s3:::bucket")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsSecret.of("not a block name!", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretVersion(null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SecretVersion("id", "AWSCURRENT")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretVersion.stage(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(SecretVersion.current().stage()).isEqualTo("AWSCURRENT");
        assertThat(SecretVersion.previous().stage()).isEqualTo("AWSPREVIOUS");
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("x").delete(6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("x").delete(31)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theJavadocExampleRunsAndFailuresNameTheSecret() {
        String name = "prod/" + UUID.randomUUID() + "/warehouse/password";
        Blocks.save("aws-prod", AwsCredentials.of("AKIDEXAMPLE", Secret.of("fake-secret-access-key"))
                .withRegion("eu-west-1").withEndpointOverride(wm.baseUrl()));
        AwsSecret password = AwsSecret.of("aws-prod", name);
        assertThat(new AwsSecret("aws-prod", name)).isEqualTo(password);
        password.write("s3cret");                       // creates the secret, or adds a version
        password.write("s3cret-2");
        Secret current = password.read();
        Secret before = password.read(SecretVersion.previous());
        assertThat(current.reveal()).isEqualTo("s3cret-2");
        assertThat(before.reveal()).isEqualTo("s3cret");
        assertThat(new String(password.readBytes(), StandardCharsets.UTF_8)).isEqualTo("s3cret-2");
        AwsSecretException missing = catchThrowableOfType(AwsSecretException.class,
                () -> AwsSecret.of("aws-prod", name + "-missing").read());
        assertThat(missing.reason()).isEqualTo(AwsSecretException.Reason.NOT_FOUND);
        assertThat(missing.secretName()).contains(name + "-missing");
        assertThat(missing.getMessage()).contains(name + "-missing").doesNotContain("s3cret");
        // binary data read as text: INVALID_REQUEST
        AwsSecret binary = AwsSecret.of("aws-prod", name + "-bin");
        binary.write(new byte[] {1, 2, 3});
        assertThat(catchThrowableOfType(AwsSecretException.class, binary::read).reason())
                .isEqualTo(AwsSecretException.Reason.INVALID_REQUEST);
        // a missing credentials block is a BlockNotFoundException
        assertThatThrownBy(() -> AwsSecret.of("aws-nowhere", name).read()).isInstanceOf(BlockNotFoundException.class);
    }
}
