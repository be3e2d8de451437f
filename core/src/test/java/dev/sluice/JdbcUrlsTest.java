package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.JdbcUrls;
import org.junit.jupiter.api.Test;

/** JdbcUrls' Javadoc examples give what they say. */
class JdbcUrlsTest {
    @Test
    void theJavadocExamples() {
        assertThat(JdbcUrls.redacted("jdbc:postgresql://etl:pw@db:5432/dw?ssl=true")).isEqualTo("jdbc:postgresql://**********@db:5432/dw?...");
        assertThat(JdbcUrls.passwords("jdbc:postgresql://db/dw?user=etl&password=s3cret")).containsExactly("s3cret");
        assertThat(JdbcUrls.passwords("jdbc:postgresql://db/dw?user=etl&password=pw")).as("shorter than 3: left out").isEmpty();
    }
}
