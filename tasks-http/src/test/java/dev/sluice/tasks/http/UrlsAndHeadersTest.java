package dev.sluice.tasks.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RetryAfter;
import dev.sluice.tasks.http.internal.LinkHeaders;
import dev.sluice.tasks.http.internal.Urls;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UrlsAndHeadersTest {
    private static final Instant NOW = Instant.parse("1994-11-06T08:49:00Z");

    @Test
    void retryAfterSeconds() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void retryAfterHttpDatesInAllThreeForms() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", NOW)).contains(Duration.ofSeconds(37));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void retryAfterThatIsNeitherIsIgnored() {
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    }

    @Test
    void linkHeaderNextAmongOtherRelations() {
        assertThat(LinkHeaders.next(List.of(
                "<https://api.github.com/repos?page=1>; rel=\"prev\", <https://api.github.com/repos?page=3>; rel=\"next\"")))
                .contains(URI.create("https://api.github.com/repos?page=3"));
        assertThat(LinkHeaders.next(List.of("</items?a=1,2>; title=\"x, y\"; rel=\"last next\"")))
                .contains(URI.create("/items?a=1,2"));
        assertThat(LinkHeaders.next(List.of("</p2>; rel=NEXT"))).contains(URI.create("/p2"));
        assertThat(LinkHeaders.next(List.of("</p1>; rel=\"prev\"", "</p3>; rel=\"next\""))).contains(URI.create("/p3"));
        assertThat(LinkHeaders.next(List.of("</p1>; rel=\"prev\"", "</p3>; rel=\"nextpage\""))).isEqualTo(Optional.empty());
        assertThat(LinkHeaders.next(List.of())).isEmpty();
    }

    @Test
    void masksSensitiveQueryValuesAndUserInfo() {
        URI u = URI.create("https://user:pw@api.example.com:8443/v1/items?page=2&api_key=abc&token=t&mykey=m&q=x");
        assertThat(Urls.mask(u, Set.of("mykey")))
                .isEqualTo("https://**********@api.example.com:8443/v1/items?page=2&api_key=**********&token=**********"
                        + "&mykey=**********&q=x");
    }

    @Test
    void queryParametersAreReplacedOrAppended() {
        URI u = URI.create("http://h/p?a=1&b=2&a=3");
        assertThat(Urls.withQueryParameter(u, "a", "x y")).hasToString("http://h/p?a=x%20y&b=2");
        assertThat(Urls.withQueryParameter(u, "c", "&")).hasToString("http://h/p?a=1&b=2&a=3&c=%26");
        assertThat(Urls.appendQueryParameter(URI.create("http://h/p"), "a", "1")).hasToString("http://h/p?a=1");
        assertThat(Urls.queryParameter(URI.create("http://h/p?c=a%2Bb%20c"), "c")).contains("a+b c");
    }

    @Test
    void origins() {
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("http://H:80/b"))).isTrue();
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("http://h:81/a"))).isFalse();
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("https://h/a"))).isFalse();
        assertThat(Urls.sameOrigin(URI.create("http://h/a"), URI.create("http://evil/a"))).isFalse();
    }
}
