package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.block.Secret;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Places where credentials in a URL (user info, api keys in the query) could leak from the HTTP tasks. */
class SecretLeaksTest {
    private static void assertNoSecretInChain(Throwable e) {
        assertThat(e).isNotNull();
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
            assertThat(String.valueOf(t)).doesNotContain("hunter2");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://bot:hunter2@api.example.com/a b",
            "https://api.example.com/a b?api_key=hunter2",
            "https://api.example.com/a|b?token=hunter2",
            "ftp://bot:hunter2@api.example.com/x"})
    void anInvalidUrlIsNotQuotedWithItsCredentials(String url) {
        Throwable e = catchThrowable(() -> HttpExtract.get(url));
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("url");
        assertNoSecretInChain(e);
    }

    @Test
    void userInfoOfAUrlWithoutHostIsMasked() {
        Throwable e = catchThrowable(() -> {
            HttpExtract<?> x = HttpExtract.get("https://bot:hunter2@/x");
            throw new IllegalStateException(x.url() + " " + x);
        });
        assertNoSecretInChain(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://id:hunter2@auth.example.com/tok en",
            "https://auth.example.com/tok en?client_secret=hunter2",
            "ftp://id:hunter2@auth.example.com/token"})
    void anInvalidTokenUrlIsNotQuotedWithItsCredentials(String tokenUrl) {
        Throwable e = catchThrowable(() -> new OAuth2ClientCredentials(tokenUrl, "id", Secret.of("s"), List.of()));
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenUrl");
        assertNoSecretInChain(e);
    }
}
