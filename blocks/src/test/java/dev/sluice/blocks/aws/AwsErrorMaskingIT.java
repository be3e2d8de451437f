package dev.sluice.blocks.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.DiscordWebhook;
import dev.sluice.testkit.TestRuntimes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What AWS answers can quote what it was sent: a signature error quotes the canonical request with
 * the session token, a validation error the value it refused. None of it reaches a message or a
 * cause.
 */
class AwsErrorMaskingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "IQoJb3JpZ2luX2VjEOT//////////wEaCXVzLWVhc3QtMSJHMEUCIQDmaskedsessiontoken";
    private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYMASKINGKEY";

    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @BeforeEach
    void setUp() {
        TestRuntimes.use(b -> b.blockStore(BlockStore.inMemory()));
        Blocks.save("aws-temporary", AwsCredentials.of("ASIAEXAMPLE", Secret.of(SECRET_KEY))
                .withSessionToken(Secret.of(TOKEN)).withRegion("us-east-1").withEndpointOverride(wm.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        TestRuntimes.reset();
    }

    private static void awsAnswers(int status, String type, String message) {
        wm.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(JSON.createObjectNode().put("__type", type).put("message", message).toString())));
    }

    /** Every message, toString and stack trace of {@code e}, its causes and suppressed exceptions. */
    private static String everything(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out + "\n" + e.getMessage();
    }

    @Test
    void aSignatureErrorQuotingTheSessionTokenShowsNoToken() {
        awsAnswers(403, "InvalidSignatureException", "The request signature we calculated does not match the signature"
                + " you provided. Check your AWS Secret Access Key and signing method. The Canonical String for this"
                + " request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:localhost\n"
                + "x-amz-date:20261201T100000Z\nx-amz-security-token:" + TOKEN + "\nx-amz-target:"
                + "secretsmanager.GetSecretValue\n'\n\nThe String-to-Sign should have been 'AWS4-HMAC-SHA256 ...'");

        Throwable e = catchThrowable(() -> AwsSecret.of("aws-temporary", "prod/db").read());

        assertThat(e).isInstanceOf(AwsSecretException.class).hasMessageContaining("access denied (InvalidSignatureException)");
        assertThat(everything(e)).contains("The request signature we calculated does not match")
                .doesNotContain(TOKEN).doesNotContain(SECRET_KEY);
    }

    @Test
    void aValidationErrorQuotingTheValueShowsNoValue() {
        String value = "s3cret-" + UUID.randomUUID();
        awsAnswers(400, "ValidationException", "1 validation error detected: Value '" + value + "' at 'secretString'"
                + " failed to satisfy constraint: Member must have length less than or equal to 65536");

        Throwable e = catchThrowable(() -> AwsSecret.of("aws-temporary", "prod/db").write(value));

        assertThat(e).isInstanceOf(AwsSecretException.class)
                .hasMessageContaining("AWS rejected the request (ValidationException): 1 validation error detected");
        assertThat(everything(e)).doesNotContain(value);
    }

    /**
     * The SDK keeps the failures of earlier attempts as suppressed exceptions of the last one: an
     * attempt that quoted the value must be masked there too, though the last attempt's text is clean.
     */
    @Test
    void anEarlierAttemptQuotingTheValueIsMaskedInTheSuppressedExceptions() {
        String value = "s3cret-" + UUID.randomUUID();
        wm.stubFor(post(urlEqualTo("/")).inScenario("attempts").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(JSON.createObjectNode().put("__type", "InternalServiceError")
                                .put("message", "could not store '" + value + "'").toString()))
                .willSetStateTo("echoed"));
        wm.stubFor(post(urlEqualTo("/")).inScenario("attempts").whenScenarioStateIs("echoed")
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(JSON.createObjectNode().put("__type", "InternalServiceError")
                                .put("message", "internal error").toString())));

        Throwable e = catchThrowable(() -> AwsSecret.of("aws-temporary", "prod/db").write(value));

        assertThat(e).isInstanceOf(AwsSecretException.class).hasMessageContaining("internal error");
        assertThat(everything(e)).contains("could not store").doesNotContain(value);
    }

    @Test
    void theStoreMasksTheSecretsOfTheDocumentItSaves() {
        String password = "pw-" + UUID.randomUUID();
        awsAnswers(500, "InternalServiceError", "could not store {\"url\": {\"$secret\": \"" + password + "\"}}");
        AwsSecretsManagerBlockStore store = AwsSecretsManagerBlockStore.of(Blocks.load(AwsCredentials.class, "aws-temporary"));

        Throwable e = catchThrowable(() -> store.write(BlockId.of(DiscordWebhook.class, "hook"),
                "{\"url\": {\"$secret\": \"" + password + "\"}}", true));

        assertThat(e).isInstanceOf(BlockException.class).hasMessageContaining("could not store");
        assertThat(everything(e)).doesNotContain(password);
    }
}
