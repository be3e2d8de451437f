package dev.sluice;

import dev.sluice.block.Secret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.internal.Masker;
import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void toStringIsMasked() {
        assertThat(Secret.of("pw-to-string").toString()).isEqualTo("**********");
    }

    @Test
    void equalsComparesValuesAndHashCodeFollows() {
        assertThat(Secret.of("same-value")).isEqualTo(Secret.of("same-value")).isNotEqualTo(Secret.of("other-value"));
        assertThat(Secret.of("same-value").hashCode()).isEqualTo(Secret.of("same-value").hashCode());
        // not derived from the length: values of one length spread over many hash codes
        long distinct = java.util.stream.IntStream.range(0, 50)
                .map(i -> Secret.of("value-" + (10 + i)).hashCode()).distinct().count();
        assertThat(distinct).isGreaterThan(40);
    }

    @Test
    void revealTeachesTheMaskerEveryForm() {
        String value = "p@ss:w/rd \"q\"";
        Secret.of(value).reveal();
        assertThat(Masker.mask("url jdbc:postgresql://etl:p%40ss%3Aw%2Frd+%22q%22@db/dw")).doesNotContain("p%40ss");
        assertThat(Masker.mask("json {\"pw\":\"p@ss:w/rd \\\"q\\\"\"}")).doesNotContain("p@ss");
        assertThat(Masker.mask("plain " + value)).isEqualTo("plain **********");
    }
}
