package dev.sluice.blocks.aws;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Run in a JVM of its own by {@link SigningLogsIT}, with the logging set up as its arguments say:
 * reads a secret with temporary credentials (a session token) from a local server answering as
 * Secrets Manager does, and prints the value.
 */
final class SigningLogsProbe {
    static final String TOKEN = "FwoGZXIvYXdzEPROBEsessiontokenLw2zT0kenValue";

    private SigningLogsProbe() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "{\"Name\":\"prod/db\",\"SecretString\":\"the-value\",\"VersionId\":\"v1\"}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try (SluiceRuntime runtime = SluiceRuntime.builder().blockStore(BlockStore.inMemory()).build()) {
            String value = runtime.call(() -> {
                Blocks.save("aws-temporary", AwsCredentials.of("ASIAPROBE", Secret.of("probe-secret-access-key"))
                        .withSessionToken(Secret.of(TOKEN)).withRegion("us-east-1")
                        .withEndpointOverride("http://127.0.0.1:" + server.getAddress().getPort()));
                return AwsSecret.of("aws-temporary", "prod/db").read().reveal();
            });
            System.out.println("VALUE=" + value);
        } finally {
            server.stop(0);
        }
    }
}
