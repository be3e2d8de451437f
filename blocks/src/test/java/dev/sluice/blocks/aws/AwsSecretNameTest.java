package dev.sluice.blocks.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** AWS's rule for secret names is checked when the block is made, not at the first call. */
class AwsSecretNameTest {
    private static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:";

    @Test
    void aNameIsAtMost512Characters() {
        String longest = "p/" + "a".repeat(510);
        assertThat(AwsSecret.withDefaultCredentials(longest).secretName()).hasSize(512);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials(longest + "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secretName is 513 characters long")
                .hasMessageContaining("allows at most 512");
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("x".repeat(2_048)))
                .hasMessageContaining("secretName is 2048 characters long");
    }

    @Test
    void anArnHoldsANameOfAtMost512CharactersAndTheSuffixAwsAdds() {
        assertThat(AwsSecret.withDefaultCredentials(ARN + "a".repeat(512) + "-AbCdEf").secretName()).startsWith(ARN);
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials(ARN + "a".repeat(513) + "-AbCdEf"))
                .hasMessageContaining("allows at most 512");
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("arn:aws:s3:::bucket"))
                .hasMessageContaining("is not a Secrets Manager ARN");
    }

    @Test
    void onlyTheCharactersAwsAllows() {
        assertThatThrownBy(() -> AwsSecret.withDefaultCredentials("prod:db"))
                .hasMessageContaining("secretName 'prod:db' is not allowed");
        assertThat(AwsSecret.withDefaultCredentials("prod/db_1+x=y.z@w-v").secretName()).isEqualTo("prod/db_1+x=y.z@w-v");
    }
}
