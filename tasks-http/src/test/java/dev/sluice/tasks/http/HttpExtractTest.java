package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.block.Secret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpExtractTest {

    @Test
    void blocksHaveSlugsAndMaskTheirSecrets() throws Exception {
        List<HttpAuth> blocks = List.of(
                new BearerToken(Secret.of("tok-secret-1")),
                new BasicAuth("u", Secret.of("pw-secret-2")),
                ApiKey.query("api_key", Secret.of("key-secret-3")),
                new OAuth2ClientCredentials("https://auth.example.com/token", "id", Secret.of("cs-secret-4"), List.of("a")));
        assertThat(blocks).extracting(HttpAuth::blockType).containsExactly(
                "http-bearer-token", "http-basic-auth", "http-api-key", "http-oauth2-client-credentials");
        ObjectMapper json = new ObjectMapper();
        for (HttpAuth b : blocks) {
            assertThat(b.toString()).doesNotContain("secret-");
            assertThat(json.writeValueAsString(b)).doesNotContain("secret-");
        }
    }

    @Test
    void anAuthBlockAndAHeaderSettingTheSameHeaderAreRefusedInEitherOrder() {
        HttpExtract<?> base = HttpExtract.get("https://api.example.com/items");
        BearerToken bearer = new BearerToken(Secret.of("tok-secret-5"));
        assertThatThrownBy(() -> base.header("authorization", "Bearer other").auth(bearer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("header Authorization is set both with header(...) and by the http-bearer-token block given to"
                        + " auth(...); keep one of them");
        assertThatThrownBy(() -> base.auth(new BasicAuth("u", Secret.of("pw-secret-6"))).header("Authorization", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http-basic-auth");
        assertThatThrownBy(() -> base.auth(ApiKey.header("X-Api-Key", Secret.of("key-secret-7"))).header("x-api-key", "y"))
                .hasMessageContaining("header X-Api-Key is set both");
        // other headers, and an API key sent in the query, leave the Authorization header free
        assertThat(base.auth(ApiKey.header("X-Api-Key", Secret.of("k"))).header("Authorization", "Bearer t")).isNotNull();
        assertThat(base.auth(ApiKey.query("api_key", Secret.of("k"))).header("X-Api-Key", "v")).isNotNull();
        assertThat(base.auth(bearer).header("X-Trace", "1").toString()).doesNotContain("tok-secret-5");
    }

    @Test
    void optionsAreCopiesAndValidated() {
        HttpExtract<?> base = HttpExtract.get("https://api.example.com/items");
        HttpExtract<?> paged = base.paginate(Pagination.pageNumber("page")).maxPages(3);

        assertThat(base.toString()).contains("pagination=none").doesNotContain("maxPages");
        assertThat(paged.toString()).contains("page number (page from 1)").contains("maxPages=3");
        assertThatThrownBy(() -> base.maxPages(0)).hasMessage("maxPages must be >= 1, was 0");
        assertThatThrownBy(() -> base.records("data/items")).hasMessageContaining("records pointer must be a JSON pointer");
        assertThatThrownBy(() -> base.rateLimit(0)).hasMessageContaining("rateLimit must be > 0");
        assertThatThrownBy(() -> base.requestTimeout(Duration.ZERO)).hasMessage("requestTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> base.header("X-A", "a\r\nInjected: 1")).hasMessageContaining("must not contain CR or LF");
        assertThatThrownBy(() -> base.jsonBody("{not json")).hasMessageContaining("jsonBody is not valid JSON");
        assertThatThrownBy(() -> HttpExtract.get("ftp://x/y")).hasMessageContaining("must be an absolute http or https URL");
        assertThatThrownBy(() -> HttpExtract.request("GE T", "http://x")).hasMessageContaining("method must be");
        assertThatThrownBy(() -> Pagination.pageNumber("page", 1, "size", 0)).hasMessage("size must be >= 1, was 0");
        assertThatThrownBy(() -> Pagination.offset("o", "l", 0)).hasMessage("limit must be >= 1, was 0");
        assertThatThrownBy(() -> new BasicAuth("a:b", Secret.of("x"))).hasMessageContaining("must not contain ':'");
    }

    @Test
    void theUrlShownMasksAQueryApiKey() {
        HttpExtract<?> e = HttpExtract.get("https://api.example.com/items?apikey=inline-123&x=1")
                .auth(ApiKey.query("sig2", Secret.of("k")));
        assertThat(e.url()).isEqualTo("https://api.example.com/items?apikey=**********&x=1");
        assertThat(e.toString()).contains("auth=http-api-key").doesNotContain("inline-123");
    }

    @Test
    void theTaskIsAReTunableTaskValue() {
        var task = HttpExtract.get("https://api.example.com/items").named("extract-items").task()
                .withRetries(2, Duration.ofSeconds(1));
        assertThat(task.name()).isEqualTo("extract-items");
        assertThat(task.retryPolicy().maxRetries()).isEqualTo(2);
    }
}
