package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.block.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadIT extends WireMockSupport {
    @TempDir
    Path dir;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void streamsTheBodyToAFileWithSizeAndSha256() throws Exception {
        byte[] content = bytes(3 * 1024 * 1024 + 17);
        server.stubFor(get(urlPathEqualTo("/file.bin")).withHeader("Authorization", equalTo("Bearer dl-token-1"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(content)));
        Path target = dir.resolve("sub/file.bin");

        Download d = HttpExtract.get(url("/file.bin")).auth(new BearerToken(Secret.of("dl-token-1")))
                .downloadTask(target).run();

        assertThat(d.file()).isEqualTo(target.toAbsolutePath());
        assertThat(d.size()).isEqualTo(content.length);
        assertThat(d.sha256()).isEqualTo(sha256(content));
        assertThat(d.contentType()).isEqualTo("application/octet-stream");
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        try (var files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target); // no temporary file left
        }
    }

    @Test
    void aFailedDownloadIsRetriedAndLeavesNoPartialFile() throws Exception {
        byte[] content = bytes(10_000);
        server.stubFor(get(urlPathEqualTo("/d")).inScenario("d").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("ok"));
        server.stubFor(get(urlPathEqualTo("/d")).inScenario("d").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(content)));

        Download d = HttpExtract.get(url("/d")).download(dir.resolve("d.bin"));

        assertThat(d.sha256()).isEqualTo(sha256(content));
        assertThat(sleeps).hasSize(1);
        assertThat(Files.readAllBytes(dir.resolve("d.bin"))).isEqualTo(content);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("d.bin")); // nothing left of the failed attempt
        }
    }

    @Test
    void aDownloadOverTheLimitFailsAndWritesNothing() throws IOException {
        server.stubFor(get(urlPathEqualTo("/big")).willReturn(aResponse().withStatus(200).withBody(bytes(100_000))
                .withChunkedDribbleDelay(5, 10)));
        Path target = dir.resolve("big.bin");

        assertThatThrownBy(() -> HttpExtract.get(url("/big")).maxBodyBytes(50_000).download(target))
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("bigger than the limit of 50000 bytes");
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMissingFileFailsAtOnce() {
        server.stubFor(get(urlPathEqualTo("/gone")).willReturn(aResponse().withStatus(410).withBody("gone for good")));

        assertThatThrownBy(() -> HttpExtract.get(url("/gone")).download(dir.resolve("x")))
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("download of GET " + url("/gone") + " failed with HTTP 410: 'gone for good'");
        assertThat(sleeps).isEmpty();
    }
}
