package dev.sluice.blocks.aws;

import dev.sluice.testkit.TestRuntimes;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.testkit.BlockStoreContract;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Secrets Manager block store passes core's contract, caches reads and maps failures. */
class AwsSecretsManagerBlockStoreIT extends BlockStoreContract {
    static final FakeSecretsManager FAKE = new FakeSecretsManager();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(FAKE)).build();

    @BeforeEach
    void installFake() {
        FAKE.install(wm);
    }

    static AwsCredentials credentials() {
        return AwsCredentials.of("AKIDEXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .withRegion("us-east-1").withEndpointOverride(wm.baseUrl());
    }

    @Override
    protected BlockStore newStore() {
        return AwsSecretsManagerBlockStore.of(credentials(), "test/" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Test
    void eachBlockIsOneSecretNamedByPrefixSlugAndName() {
        AwsSecretsManagerBlockStore store = AwsSecretsManagerBlockStore.of(credentials(), "team-a/sluice");
        BlockId id = new BlockId("contract-database", "warehouse");
        assertThat(store.secretName(id)).isEqualTo("team-a/sluice/contract-database/warehouse");
        store.write(id, dbDocument("etl", "pw"), true);
        assertThat(FAKE.exists("team-a/sluice/contract-database/warehouse")).isTrue();
        assertThat(store.description()).isEqualTo("AWS Secrets Manager store (secrets team-a/sluice/<type>/<name>,"
                + " region us-east-1, endpoint " + wm.baseUrl() + ")");
        store.delete(id);
    }

    @Test
    void aThousandLoadsMakeOneCall() {
        AwsSecretsManagerBlockStore store = (AwsSecretsManagerBlockStore) newStore();
        TestRuntimes.use(b -> b.blockStore(store));
        Blocks.save("cached", new ContractDatabase("jdbc:h2:mem:c", "u", Secret.of("pw-cached"), 1));
        wm.resetRequests();
        for (int i = 0; i < 1_000; i++) {
            assertThat(Blocks.load(ContractDatabase.class, "cached").user()).isEqualTo("u");
        }
        wm.verify(1, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
        // a save through the store is seen at once
        Blocks.save("cached", new ContractDatabase("jdbc:h2:mem:c", "u2", Secret.of("pw-cached"), 1), true);
        assertThat(Blocks.load(ContractDatabase.class, "cached").user()).isEqualTo("u2");
        // a missing block is cached too
        assertThat(store.read(db("absent"))).isEmpty();
        assertThat(store.read(db("absent"))).isEmpty();
        wm.verify(3, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
    }

    @Test
    void withoutACacheEveryReadIsACall() {
        AwsSecretsManagerBlockStore store = ((AwsSecretsManagerBlockStore) newStore()).withCacheTtl(Duration.ZERO);
        store.write(db("uncached"), dbDocument("a", "b"), false);
        wm.resetRequests();
        for (int i = 0; i < 5; i++) {
            assertThat(store.read(db("uncached"))).isPresent();
        }
        wm.verify(5, postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
    }

    @Test
    void aDocumentTooLargeEvenCompressedIsAClearError() {
        BlockStore store = newStore();
        StringBuilder random = new StringBuilder("{\"url\":{\"$secret\":\"s\"},\"channels\":[");
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 12_000; i++) {
            random.append(i == 0 ? "" : ",").append('"').append(Long.toHexString(r.nextLong())).append('"');
        }
        random.append("]}");
        assertThatThrownBy(() -> store.write(hook("huge"), random.toString(), false))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("a Secrets Manager secret holds at most 65536 bytes");
    }

    @Test
    void failuresAreBlockExceptionsCausedByAwsSecretExceptions() {
        BlockStore store = AwsSecretsManagerBlockStore.of(credentials().withEndpointOverride("http://127.0.0.1:1"));
        assertThatThrownBy(() -> store.read(db("x")))
                .isInstanceOf(BlockException.class)
                .hasMessageContaining("cannot read block 'contract-database/x'")
                .hasMessageContaining("AWS could not be reached")
                .hasCauseInstanceOf(AwsSecretException.class);
    }

    @Test
    void aSecretScheduledForDeletionElsewhereCountsAsAbsent() {
        AwsSecretsManagerBlockStore store = ((AwsSecretsManagerBlockStore) newStore()).withCacheTtl(Duration.ZERO);
        store.write(db("recovering"), dbDocument("a", "b"), false);
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
        Blocks.save("aws", credentials());
        AwsSecret.of("aws", store.secretName(db("recovering"))).delete(7);
        assertThat(store.read(db("recovering"))).isEmpty();
        assertThat(store.list()).doesNotContain(db("recovering"));
        assertThat(store.delete(db("recovering"))).isFalse();
        assertThat(store.write(db("recovering"), dbDocument("new", "c"), false)).isTrue();
        assertThat(tree(store.read(db("recovering")).orElseThrow()).path("user").asText()).isEqualTo("new");
        AwsSecret.of("aws", store.secretName(db("recovering"))).delete(30);
        assertThat(store.write(db("recovering"), dbDocument("newer", "d"), true)).isTrue();
        assertThat(tree(store.read(db("recovering")).orElseThrow()).path("user").asText()).isEqualTo("newer");
    }

    @Test
    void selectableByNameInTheConfiguration() {
        BlockStore store = BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "aws-secrets-manager",
                "SLUICE_AWS_REGION", "eu-central-1", "SLUICE_AWS_SECRETS_PREFIX", "ops/blocks"));
        assertThat(store).isInstanceOf(AwsSecretsManagerBlockStore.class);
        assertThat(((AwsSecretsManagerBlockStore) store).prefix()).isEqualTo("ops/blocks");
        assertThat(store.description()).contains("region eu-central-1");
    }
}
