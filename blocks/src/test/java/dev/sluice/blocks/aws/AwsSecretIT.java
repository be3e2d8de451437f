package dev.sluice.blocks.aws;

import dev.sluice.testkit.TestRuntimes;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockRef;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsSecretException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AwsSecret} against WireMock speaking Secrets Manager's JSON 1.1 protocol. */
class AwsSecretIT {
    static final FakeSecretsManager FAKE = new FakeSecretsManager();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(FAKE)).build();

    private String name;

    static AwsCredentials fakeCredentials() {
        return AwsCredentials.of("AKIDEXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .withRegion("us-east-1").withEndpointOverride(wm.baseUrl());
    }

    @BeforeEach
    void setUp() {
        FAKE.install(wm);
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
        Blocks.save("aws-test", fakeCredentials());
        name = "app/" + UUID.randomUUID() + "/db-password";
    }

    @AfterEach
    void tearDown() {
        TestRuntimes.reset();
    }

    private AwsSecret secret() {
        return AwsSecret.of("aws-test", name);
    }

    @Test
    void writeCreatesTheSecretThenAddsVersions() {
        String v1 = secret().write("first-value");
        String v2 = secret().write("second-value");
        assertThat(v1).isNotEqualTo(v2);
        assertThat(secret().read().reveal()).isEqualTo("second-value");
        assertThat(secret().read(SecretVersion.previous()).reveal()).isEqualTo("first-value");
        assertThat(secret().read(SecretVersion.id(v1)).reveal()).isEqualTo("first-value");
        assertThat(secret().read(SecretVersion.stage("AWSCURRENT")).reveal()).isEqualTo("second-value");
        // the wire format: JSON 1.1, one POST to / per operation, the operation in X-Amz-Target
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.CreateSecret"))
                .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                .withHeader("Authorization", containing("Credential=AKIDEXAMPLE/"))
                .withRequestBody(equalToJson("{\"Name\": \"" + name + "\", \"SecretString\": \"first-value\"}", false, true)));
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.PutSecretValue"))
                .withRequestBody(equalToJson("{\"SecretId\": \"" + name + "\", \"SecretString\": \"second-value\"}", false, true)));
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(equalToJson("{\"SecretId\": \"" + name + "\", \"VersionStage\": \"AWSPREVIOUS\"}")));
        wm.verify(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(equalToJson("{\"SecretId\": \"" + name + "\", \"VersionId\": \"" + v1 + "\"}")));
    }

    @Test
    void bytesRoundTripAndTextCanBeReadAsBytes() {
        byte[] data = {0, 1, 2, (byte) 0xff, 42};
        secret().write(data);
        assertThat(secret().readBytes()).containsExactly(data);
        assertThatThrownBy(() -> secret().read())
                .isInstanceOf(AwsSecretException.class).hasMessageContaining("holds binary data")
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.INVALID_REQUEST));
        secret().write("Zürich");
        assertThat(secret().readBytes()).isEqualTo("Zürich".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMissingSecretIsNotFoundNamingIt() {
        assertThatThrownBy(() -> secret().read())
                .isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("cannot read AWS secret '" + name + "' (region us-east-1")
                .hasMessageContaining("not found (ResourceNotFoundException)")
                .satisfies(e -> {
                    AwsSecretException a = (AwsSecretException) e;
                    assertThat(a.reason()).isEqualTo(Reason.NOT_FOUND);
                    assertThat(a.secretName()).contains(name);
                });
        secret().write("x");
        assertThatThrownBy(() -> secret().read(SecretVersion.id("00000000-0000-0000-0000-000000000000")))
                .isInstanceOf(AwsSecretException.class)
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void accessDeniedIsClearAndNeverShowsTheValue() {
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing(name))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::123456789012:"
                                + "user/etl is not authorized to perform: secretsmanager:PutSecretValue on resource: "
                                + name + "\"}")));
        assertThatThrownBy(() -> secret().write("value-that-must-not-leak"))
                .isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("cannot write AWS secret '" + name + "'")
                .hasMessageContaining("access denied (AccessDeniedException)")
                .hasMessageNotContaining("value-that-must-not-leak")
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.ACCESS_DENIED));
    }

    @Test
    void throttlingIsRetriedWithBackoff() {
        secret().write("after-throttling");
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).inScenario("throttle").whenScenarioStateIs(STARTED)
                .withRequestBody(containing(name))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"))
                .willSetStateTo("passed"));
        assertThat(secret().read().reveal()).isEqualTo("after-throttling");
        wm.verify(2, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
    }

    @Test
    void persistentThrottlingIsThrottledAfterTheAttempts() {
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(containing(name))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));
        assertThatThrownBy(() -> secret().read())
                .isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("throttled by AWS (ThrottlingException) even after 4 attempts")
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.THROTTLED));
        wm.verify(4, postRequestedFor(urlEqualTo("/")).withRequestBody(containing(name)));
    }

    @Test
    void anUnreachableEndpointIsANetworkFailure() {
        Blocks.save("aws-nowhere", fakeCredentials().withEndpointOverride("http://127.0.0.1:1"));
        assertThatThrownBy(() -> AwsSecret.of("aws-nowhere", name).write("never-sent-value"))
                .isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("cannot write AWS secret '" + name + "'")
                .hasMessageContaining("AWS could not be reached")
                .hasMessageNotContaining("never-sent-value")
                .hasMessageNotContaining("wJalrXUtnFEMI")
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.NETWORK));
    }

    @Test
    void deleteWithARecoveryWindowThenForce() {
        secret().write("to-delete");
        Instant when = secret().delete(7);
        assertThat(when).isAfter(Instant.now().plus(Duration.ofDays(6)));
        assertThatThrownBy(() -> secret().read())
                .isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("scheduled for deletion")
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.SCHEDULED_FOR_DELETION));
        secret().forceDelete();
        assertThat(FAKE.exists(name)).isFalse();
        assertThatThrownBy(() -> secret().read())
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> secret().delete(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recoveryDays must be between 7 and 30, was 3");
    }

    @Test
    void theCredentialsBlockIsLoadedByName() {
        assertThatThrownBy(() -> AwsSecret.of("no-such-credentials", name).read())
                .isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining("block 'no-such-credentials' of type aws-credentials")
                .hasMessageContaining("[aws-test]");
        // saved and loaded as a block itself
        Blocks.save("db-password", secret());
        secret().write("via-a-loaded-block");
        assertThat(Blocks.load(AwsSecret.class, "db-password").read().reveal()).isEqualTo("via-a-loaded-block");
        assertThat(Blocks.load("aws-secret/db-password")).isEqualTo(secret());
    }
    @Test
    void theCredentialsAreStoredAsAReferenceAndLoadedOnlyWhenUsed() throws Exception {
        AwsSecret later = AwsSecret.of("aws-later", name);
        assertThat(later.credentials()).isEqualTo(BlockRef.to(AwsCredentials.class, "aws-later"));
        assertThat(new AwsSecret("aws-later", name)).isEqualTo(later)
                .isEqualTo(new AwsSecret(BlockRef.to(AwsCredentials.class, "aws-later"), name));
        // saving and loading the secret block needs no credentials block yet
        Blocks.save("db-password", later);
        JsonNode stored = new ObjectMapper().readTree(
                Blocks.store().read(BlockId.of(AwsSecret.class, "db-password")).orElseThrow());
        assertThat(stored.path("credentials").asText()).isEqualTo("aws-credentials/aws-later");
        assertThat(stored.toString()).doesNotContain("AKIDEXAMPLE").doesNotContain(wm.baseUrl());
        AwsSecret loaded = Blocks.load(AwsSecret.class, "db-password");
        assertThat(loaded).isEqualTo(later);
        assertThatThrownBy(loaded::read).isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining("block 'aws-later' of type aws-credentials");
        wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing(name)));

        Blocks.save("aws-later", fakeCredentials());
        loaded.write("now-reachable");
        assertThat(loaded.read().reveal()).isEqualTo("now-reachable");
        // a change to the credentials block is seen at the next use
        Blocks.save("aws-later", fakeCredentials().withEndpointOverride("http://127.0.0.1:1"), true);
        assertThatThrownBy(loaded::read).isInstanceOf(AwsSecretException.class)
                .satisfies(e -> assertThat(((AwsSecretException) e).reason()).isEqualTo(Reason.NETWORK));
    }

    @Test
    void defaultCredentialsAreStoredAsNoReference() throws Exception {
        Blocks.save("default-chain", AwsSecret.withDefaultCredentials(name));
        JsonNode stored = new ObjectMapper().readTree(
                Blocks.store().read(BlockId.of(AwsSecret.class, "default-chain")).orElseThrow());
        assertThat(stored.path("credentials").isMissingNode() || stored.path("credentials").isNull()).isTrue();
        assertThat(Blocks.load(AwsSecret.class, "default-chain").credentials()).isNull();
    }

    @Test
    void aBareCredentialsNameAsEarlierVersionsSavedItStillLoads() {
        Blocks.save("old-form", secret());
        BlockId id = BlockId.of(AwsSecret.class, "old-form");
        String document = Blocks.store().read(id).orElseThrow();
        assertThat(document).contains("\"aws-credentials/aws-test\"");
        Blocks.store().write(id, document.replace("\"aws-credentials/aws-test\"", "\"aws-test\""), true);
        AwsSecret loaded = Blocks.load(AwsSecret.class, "old-form");
        assertThat(loaded).isEqualTo(secret());
        secret().write("old-form-value");
        assertThat(loaded.read().reveal()).isEqualTo("old-form-value");
    }

    @Test
    void aReferenceMustNameAValidBlock() {
        assertThatThrownBy(() -> AwsSecret.of(" ", name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AwsSecret.of("aws-test", "bad name!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secretName 'bad name!' is not allowed");
    }
}
