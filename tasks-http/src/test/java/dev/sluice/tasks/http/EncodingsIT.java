package dev.sluice.tasks.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Compressed bodies and charsets other than UTF-8: the extract asks for gzip, and reads what the server declares. */
class EncodingsIT extends WireMockSupport {
    record Customer(int id, String name) {
    }

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    private static byte[] deflate(String s) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(b)) {
            d.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void pagesAreAskedForGzippedAndDecoded() {
        server.stubFor(get(urlPathEqualTo("/big")).willReturn(okJson(items(0, 2_000))));

        List<JsonNode> records = HttpExtract.get(url("/big")).records("/data/items").list();

        assertThat(records).hasSize(2_000);
        ServeEvent event = server.getAllServeEvents().get(0);
        assertThat(event.getRequest().getHeader("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void aGzippedOrDeflatedBodyTheServerSendsUnaskedIsDecoded() throws Exception {
        server.stubFor(get(urlPathEqualTo("/gz")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withHeader("Content-Encoding", "gzip").withBody(gzip(items(0, 3)))));
        server.stubFor(get(urlPathEqualTo("/deflate")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withHeader("Content-Encoding", "deflate").withBody(deflate("{\"id\":7,\"name\":\"Ada\"}"))));

        assertThat(HttpExtract.get(url("/gz")).header("Accept-Encoding", "identity").records("/data/items").list())
                .hasSize(3);
        assertThat(HttpExtract.get(url("/deflate")).as(Customer.class).one()).isEqualTo(new Customer(7, "Ada"));
    }

    @Test
    void aDownloadKeepsTheBytesAsSent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // a .gz file served (wrongly, but commonly) with Content-Encoding: gzip: the file is what was sent, as with curl
        byte[] archive = gzip("a,b\n1,2\n");
        server.stubFor(get(urlPathEqualTo("/data.csv.gz")).willReturn(aResponse().withHeader("Content-Type", "application/gzip")
                .withHeader("Content-Encoding", "gzip").withBody(archive)));

        Download d = HttpExtract.get(url("/data.csv.gz")).download(dir.resolve("data.csv.gz"));

        assertThat(java.nio.file.Files.readAllBytes(d.file())).isEqualTo(archive);
        assertThat(server.getAllServeEvents().get(0).getRequest().containsHeader("Accept-Encoding")).isFalse();
    }

    @Test
    void aBodyInTheCharsetItsContentTypeDeclaresIsDecodedWithIt() {
        String json = "[{\"id\":1,\"name\":\"Caf\u00e9 M\u00fcller \u00a3\"}]";
        for (String charset : List.of("ISO-8859-1", "windows-1252", "UTF-16", "UTF-8")) {
            server.stubFor(get(urlPathEqualTo("/c")).willReturn(aResponse()
                    .withHeader("Content-Type", "application/json; charset=\"" + charset + "\"")
                    .withBody(json.getBytes(Charset.forName(charset)))));
            assertThat(HttpExtract.get(url("/c")).as(Customer.class).list()).as(charset)
                    .containsExactly(new Customer(1, "Caf\u00e9 M\u00fcller \u00a3"));
        }
    }

    @Test
    void anUnknownCharsetOrEncodingIsNamed() {
        server.stubFor(get(urlPathEqualTo("/x")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json; charset=klingon-8").withBody("[]")));
        assertThatThrownBy(() -> HttpExtract.get(url("/x")).list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("charset this JVM does not know");

        server.stubFor(get(urlPathEqualTo("/br")).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withHeader("Content-Encoding", "br").withBody(new byte[] {1, 2, 3})));
        assertThatThrownBy(() -> HttpExtract.get(url("/br")).header("Accept-Encoding", "br").list())
                .isInstanceOf(HttpExtractException.class)
                .hasMessageContaining("Content-Encoding 'br'");
    }
}
