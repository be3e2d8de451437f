package dev.sluice;

import dev.sluice.block.Secret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.internal.Masker;
import org.junit.jupiter.api.Test;

class SecretTest {
    @Test
    void aMissingValueIsNamedAsSuch() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Secret.of(System.getenv("SLUICE_TEST_UNSET_VARIABLE_42")))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("the secret's value is null")
                .hasMessageContaining("environment variable");
    }

    @Test
    void revealTeachesTheMaskerTheFormsOtherJsonWritersGive() {
        String value = "k\u0001=Jürgen/<x>&'\b\f-end";
        Secret.of(value).reveal();
        for (String form : new String[] {
                "k\\u0001=Jürgen/<x>&'\\b\\f-end", // Jackson
                "k\\u0001=Jürgen\\/<x>&'\\b\\f-end", // slash escaped
                "k\\u0001\\u003dJ\\u00fcrgen/\\u003cx\\u003e\\u0026\\u0027\\b\\f-end", // Gson
                "k\\u0001\\u003DJ\\u00FCrgen/\\u003Cx\\u003E\\u0026\\u0027\\b\\f-end"}) { // ASCII only
            assertThat(Masker.mask("{\"error\":\"bad key " + form + "\"}")).as(form).isEqualTo("{\"error\":\"bad key **********\"}");
        }
    }

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
