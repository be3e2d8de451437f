package dev.sluice.blocks.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreUnavailableException;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.DiscordWebhook;
import dev.sluice.cache.ResultStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain the docs recommend, {@code aws-secrets-manager,file}, while AWS is out: a block of the
 * file store still loads, within one short call timeout, with a warning naming the AWS store; a
 * missing block is still "not found" with what exists; saves are not moved to another store; and a
 * refusal that is not an outage still fails.
 */
class BlockStoreOutageIT {
    static final FakeSecretsManager FAKE = new FakeSecretsManager();

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().extensions(FAKE)).build();

    @TempDir
    Path home;

    private BlackHole blackHole;
    private final List<SluiceRuntime> runtimes = new CopyOnWriteArrayList<>();
    private final MovableClock clock = new MovableClock();

    @BeforeEach
    void setUp() throws IOException {
        FAKE.install(wm);
        blackHole = new BlackHole();
        // the block lives in the file store only
        SluiceRuntime files = runtime(BlockStore.file(home, Map.of()));
        files.run(() -> Blocks.save("ops-alerts", new DiscordWebhook(Secret.of("https://discord.com/api/webhooks/1/tok"))));
    }

    @AfterEach
    void tearDown() throws IOException {
        runtimes.forEach(SluiceRuntime::close);
        blackHole.close();
    }

    private SluiceRuntime runtime(BlockStore store) {
        SluiceRuntime r = SluiceRuntime.builder().home(home).blockStore(store).resultStore(ResultStore.inMemory())
                .clock(clock).build();
        runtimes.add(r);
        return r;
    }

    private static AwsCredentials credentials(String endpoint) {
        return AwsCredentials.of("AKIDEXAMPLE", Secret.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYOUTAGEKEY"))
                .withRegion("us-east-1").withEndpointOverride(endpoint);
    }

    /** The chain of {@code aws} then the file store of {@link #home}, as SLUICE_BLOCK_STORE=aws-secrets-manager,file makes it. */
    private SluiceRuntime chain(AwsSecretsManagerBlockStore aws) {
        return runtime(BlockStore.chain(aws, BlockStore.file(home, Map.of())));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static long millis(Runnable body) {
        long start = System.nanoTime();
        body.run();
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    private static <T> T stderrOf(Supplier<T> body, StringBuilder into) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return body.get();
        } finally {
            System.setErr(original);
            into.append(captured.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aFileBlockLoadsWhileAwsRefusesConnections() throws IOException {
        SluiceRuntime r = chain(AwsSecretsManagerBlockStore.of(credentials("http://127.0.0.1:" + closedPort())));
        StringBuilder log = new StringBuilder();

        long took = millis(() -> assertThat(stderrOf(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")),
                log).url().reveal()).isEqualTo("https://discord.com/api/webhooks/1/tok"));

        System.out.printf("chain aws-secrets-manager,file, AWS refusing connections: first load %d ms%n", took);
        assertThat(took).isLessThan(3_000);
        assertThat(log.toString()).contains("WARN").contains("block store AWS Secrets Manager store")
                .contains("is unavailable").contains("AWS could not be reached");
        // the next loads skip AWS until it is due to be asked again, and do not warn again
        StringBuilder again = new StringBuilder();
        assertThat(millis(() -> stderrOf(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")), again)))
                .isLessThan(500);
        assertThat(again.toString()).doesNotContain("WARN");
    }

    @Test
    void aFileBlockLoadsWithinTheCallTimeoutWhileAwsAcceptsButNeverAnswers() {
        AwsSecretsManagerBlockStore aws = AwsSecretsManagerBlockStore.of(credentials(blackHole.url()))
                .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(800));
        SluiceRuntime r = chain(aws);

        long took = millis(() -> assertThat(r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts"))).isNotNull());

        System.out.printf("chain aws-secrets-manager,file, AWS accepting but never answering, call timeout 800 ms:"
                + " first load %d ms%n", took);
        assertThat(took).isBetween(700L, 3_000L);
        int connections = blackHole.accepted.get();
        assertThat(connections).isPositive();
        // 30 s later by the runtime's clock AWS is asked again; until then not at all
        for (int i = 0; i < 100; i++) {
            r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts"));
        }
        assertThat(blackHole.accepted.get()).isEqualTo(connections);
        clock.advance(Duration.ofSeconds(31));
        assertThat(millis(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")))).isGreaterThanOrEqualTo(700L);
        assertThat(blackHole.accepted.get()).isGreaterThan(connections);
    }

    @Test
    void withTheDefaultTimeoutsAHangingAwsCostsOneCallTimeout() {
        AwsSecretsManagerBlockStore aws = AwsSecretsManagerBlockStore.of(credentials(blackHole.url()));
        assertThat(aws.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(aws.callTimeout()).isEqualTo(Duration.ofSeconds(5));
        SluiceRuntime r = chain(aws);

        long took = millis(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")));

        System.out.printf("chain aws-secrets-manager,file, AWS accepting but never answering, default timeouts:"
                + " first load %d ms%n", took);
        assertThat(took).isBetween(4_500L, 8_000L);
    }

    @Test
    void aMissingBlockIsStillNotFoundListingWhatExists() throws IOException {
        SluiceRuntime r = chain(AwsSecretsManagerBlockStore.of(credentials("http://127.0.0.1:" + closedPort())));

        assertThatThrownBy(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "no-such-hook")))
                .isInstanceOf(BlockNotFoundException.class)
                .hasMessageContaining("block 'no-such-hook' of type discord-webhook")
                .hasMessageContaining("saved blocks of that type: [ops-alerts]");
    }

    @Test
    void aSaveIsNeverMovedToAnotherStore() throws IOException {
        SluiceRuntime r = chain(AwsSecretsManagerBlockStore.of(credentials("http://127.0.0.1:" + closedPort())));

        assertThatThrownBy(() -> r.run(() -> Blocks.save("new-hook", new DiscordWebhook(Secret.of("https://x.example/1")))))
                .isInstanceOf(BlockStoreUnavailableException.class)
                .hasMessageContaining("cannot save block 'discord-webhook/new-hook'");
        assertThat(runtime(BlockStore.file(home, Map.of())).call(() -> Blocks.find(DiscordWebhook.class, "new-hook")))
                .isEmpty();
    }

    @Test
    void aRefusalThatIsNotAnOutageStillFails() {
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"AccessDeniedException\",\"Message\":\"User: arn:aws:iam::123456789012:user/etl"
                        + " is not authorized to perform: secretsmanager:GetSecretValue\"}")));
        SluiceRuntime r = chain(AwsSecretsManagerBlockStore.of(credentials(wm.baseUrl())));

        assertThatThrownBy(() -> r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")))
                .isInstanceOf(BlockException.class).isNotInstanceOf(BlockStoreUnavailableException.class)
                .hasMessageContaining("access denied (AccessDeniedException)");
    }

    /**
     * Something at the endpoint answers 200 with JSON that is no Secrets Manager answer (a proxy, a stub):
     * no value at all. Like an answer that does not parse, that is AWS not answering, not a broken block.
     */
    @Test
    void anAnswerWithoutAValueIsAnOutageNamedAsSuch() {
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/x-amz-json-1.1").withBody("{}")));
        AwsSecretsManagerBlockStore aws = AwsSecretsManagerBlockStore.of(credentials(wm.baseUrl()));

        assertThatThrownBy(() -> runtime(aws).run(() -> aws.read(dev.sluice.block.BlockId.of(DiscordWebhook.class, "x"))))
                .isInstanceOf(BlockStoreUnavailableException.class)
                .hasMessageContaining("without a value").hasMessageNotContaining("gzip");
        assertThat(chain(aws).call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts"))).isNotNull();
    }

    @Test
    void aServerErrorIsAnOutageAndTheStoreAnswersAgainAfterIt() {
        wm.stubFor(post(urlEqualTo("/")).atPriority(1).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody("{\"__type\":\"InternalServiceError\",\"message\":\"internal error\"}")));
        AwsSecretsManagerBlockStore aws = AwsSecretsManagerBlockStore.of(credentials(wm.baseUrl()));
        SluiceRuntime r = chain(aws);
        assertThat(r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts"))).isNotNull();

        wm.resetMappings();
        FAKE.install(wm);
        r.run(() -> aws.write(dev.sluice.block.BlockId.of(DiscordWebhook.class, "ops-alerts"),
                "{\"url\": {\"$secret\": \"https://discord.com/api/webhooks/2/from-aws\"}}", true));
        clock.advance(Duration.ofSeconds(31));
        assertThat(r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts")).url().reveal())
                .as("AWS is read first again once it answers").endsWith("/from-aws");
    }

    @Test
    void theTimeoutsComeFromTheEnvironmentToo() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYENVKEY");
        try {
            BlockStore configured = BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "aws-secrets-manager,file",
                    "SLUICE_HOME", home.toString(), "SLUICE_AWS_REGION", "us-east-1", "SLUICE_AWS_ENDPOINT", blackHole.url(),
                    "SLUICE_AWS_CONNECT_TIMEOUT", "0.3", "SLUICE_AWS_CALL_TIMEOUT", "PT0.6S"));
            SluiceRuntime r = runtime(configured);
            long took = millis(() -> assertThat(r.call(() -> Blocks.load(DiscordWebhook.class, "ops-alerts"))).isNotNull());
            assertThat(took).isBetween(500L, 2_500L);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        assertThatThrownBy(() -> BlockStore.fromConfiguration(Map.of("SLUICE_BLOCK_STORE", "aws-secrets-manager",
                "SLUICE_AWS_REGION", "us-east-1", "SLUICE_AWS_CALL_TIMEOUT", "soon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SLUICE_AWS_CALL_TIMEOUT must be a duration in seconds");
    }

    @Test
    void timeoutsAreValidated() {
        AwsSecretsManagerBlockStore aws = AwsSecretsManagerBlockStore.of(credentials(wm.baseUrl()));
        assertThatThrownBy(() -> aws.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessage("connectTimeout must be positive and at most 5 minutes, was PT0S");
        assertThatThrownBy(() -> aws.withTimeouts(Duration.ofSeconds(1), Duration.ofMinutes(6)))
                .hasMessage("callTimeout must be positive and at most 5 minutes, was PT6M");
        assertThat(aws.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(3)).withCacheTtl(Duration.ZERO).callTimeout())
                .isEqualTo(Duration.ofSeconds(3));
    }

    /** A server that accepts connections and never reads or answers. */
    static final class BlackHole implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0);
        final AtomicInteger accepted = new AtomicInteger();
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        BlackHole() throws IOException {
            acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        held.add(server.accept());
                        accepted.incrementAndGet();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "black-hole");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

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
