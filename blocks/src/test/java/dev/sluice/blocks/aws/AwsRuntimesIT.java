package dev.sluice.blocks.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.testkit.BlockStoreContract.ContractDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Two runtimes with different block stores, used at once, each see only their own AWS-backed blocks. */
class AwsRuntimesIT {
    static final FakeSecretsManager FAKE = new FakeSecretsManager();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(FAKE)).build();

    @TempDir
    Path home;

    private final List<SluiceRuntime> runtimes = new ArrayList<>();

    @BeforeEach
    void installFake() {
        FAKE.install(wm);
    }

    @AfterEach
    void close() {
        runtimes.forEach(SluiceRuntime::close);
    }

    private SluiceRuntime runtime(String name, BlockStore store, Clock clock) {
        SluiceRuntime r = SluiceRuntime.builder().home(home.resolve(name)).blockStore(store)
                .resultStore(ResultStore.inMemory()).clock(clock).build();
        runtimes.add(r);
        return r;
    }

    static AwsCredentials keys(String accessKeyId) {
        return AwsCredentials.of(accessKeyId, Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                .withRegion("us-east-1").withEndpointOverride(wm.baseUrl());
    }

    @Test
    void oneAwsSecretValueUsesTheCredentialsBlockOfTheRuntimeItRunsUnder() {
        SluiceRuntime a = runtime("a", BlockStore.inMemory(), Clock.systemUTC());
        SluiceRuntime b = runtime("b", BlockStore.inMemory(), Clock.systemUTC());
        a.run(() -> Blocks.save("aws", keys("AKIDRUNTIMEA")));
        b.run(() -> Blocks.save("aws", keys("AKIDRUNTIMEB")));
        String nameA = "app/" + UUID.randomUUID() + "/a";
        String nameB = "app/" + UUID.randomUUID() + "/b";
        AwsSecret secretA = AwsSecret.of("aws", nameA);
        AwsSecret secretB = AwsSecret.of("aws", nameB);

        List<CompletableFuture<String>> reads = new ArrayList<>();
        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> a.run(() -> secretA.write("value-a"))),
                CompletableFuture.runAsync(() -> b.run(() -> secretB.write("value-b")))).join();
        for (int i = 0; i < 10; i++) {
            reads.add(CompletableFuture.supplyAsync(() -> a.call(() -> secretA.read().reveal())));
            reads.add(CompletableFuture.supplyAsync(() -> b.call(() -> secretB.read().reveal())));
        }
        for (int i = 0; i < reads.size(); i++) {
            assertThat(reads.get(i).join()).isEqualTo(i % 2 == 0 ? "value-a" : "value-b");
        }
        // every call about a secret (its write, ten reads) was signed with the keys of its own runtime's block
        for (String[] expected : new String[][] {{nameA, "AKIDRUNTIMEA", "AKIDRUNTIMEB"}, {nameB, "AKIDRUNTIMEB", "AKIDRUNTIMEA"}}) {
            int calls = wm.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing(expected[0]))).size();
            assertThat(calls).isGreaterThanOrEqualTo(11);
            wm.verify(calls, postRequestedFor(urlEqualTo("/")).withRequestBody(containing(expected[0]))
                    .withHeader("Authorization", containing("Credential=" + expected[1] + "/")));
            wm.verify(0, postRequestedFor(urlEqualTo("/")).withRequestBody(containing(expected[0]))
                    .withHeader("Authorization", containing("Credential=" + expected[2] + "/")));
        }
    }

    @Test
    void twoRuntimesOnSecretsManagerStoresSeeOnlyTheirOwnBlocks() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        SluiceRuntime a = runtime("a", AwsSecretsManagerBlockStore.of(keys("AKIDRUNTIMEA"), "team-a/" + run),
                Clock.systemUTC());
        SluiceRuntime b = runtime("b", AwsSecretsManagerBlockStore.of(keys("AKIDRUNTIMEB"), "team-b/" + run),
                Clock.systemUTC());
        List<CompletableFuture<?>> work = new ArrayList<>();
        for (SluiceRuntime r : List.of(a, b)) {
            String user = r == a ? "user-a" : "user-b";
            work.add(CompletableFuture.runAsync(() -> r.run(() -> {
                Blocks.save("warehouse", new ContractDatabase("jdbc:h2:mem:w", user, Secret.of("pw-" + user), 1));
                for (int i = 0; i < 20; i++) {
                    assertThat(Blocks.load(ContractDatabase.class, "warehouse").user()).isEqualTo(user);
                }
            })));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        assertThat(a.call(() -> Blocks.list())).containsExactly(new BlockId("contract-database", "warehouse"));
        assertThat(a.call(() -> Blocks.load(ContractDatabase.class, "warehouse").user())).isEqualTo("user-a");
        assertThat(b.call(() -> Blocks.load(ContractDatabase.class, "warehouse").user())).isEqualTo("user-b");
        assertThat(FAKE.exists("team-a/" + run + "/contract-database/warehouse")).isTrue();
        assertThat(FAKE.exists("team-b/" + run + "/contract-database/warehouse")).isTrue();
    }

    @Test
    void theStoreCacheExpiresByTheClockOfTheRuntime() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
        AwsSecretsManagerBlockStore store = AwsSecretsManagerBlockStore.of(keys("AKIDCLOCK"),
                "clock/" + UUID.randomUUID().toString().substring(0, 8));
        SluiceRuntime r = runtime("clock", store, clock);
        r.run(() -> Blocks.save("db", new ContractDatabase("jdbc:h2:mem:c", "u", Secret.of("pw-c"), 1)));
        wm.resetRequests();
        r.run(() -> Blocks.load(ContractDatabase.class, "db"));
        r.run(() -> Blocks.load(ContractDatabase.class, "db"));
        clock.advance(store.cacheTtl().minusSeconds(1));
        r.run(() -> Blocks.load(ContractDatabase.class, "db"));
        wm.verify(1, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
        clock.advance(Duration.ofSeconds(2));
        r.run(() -> Blocks.load(ContractDatabase.class, "db"));
        wm.verify(2, postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue")));
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
