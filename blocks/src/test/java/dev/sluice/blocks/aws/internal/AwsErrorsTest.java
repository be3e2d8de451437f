package dev.sluice.blocks.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.blocks.aws.AwsSecretException;
import dev.sluice.blocks.aws.AwsSecretException.Reason;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** How SDK failures map to reasons and messages. */
class AwsErrorsTest {
    private static AwsServiceException service(String code, int status, String message) {
        return AwsServiceException.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    @Test
    void serviceErrorsMapByCode() {
        assertThat(AwsErrors.reason(ResourceNotFoundException.builder().statusCode(400).build())).isEqualTo(Reason.NOT_FOUND);
        assertThat(AwsErrors.reason(DecryptionFailureException.builder().statusCode(400).build()))
                .isEqualTo(Reason.ACCESS_DENIED);
        assertThat(AwsErrors.reason(service("AccessDeniedException", 400, "not authorized"))).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(AwsErrors.reason(service("ExpiredTokenException", 400, "expired"))).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(AwsErrors.reason(service("ThrottlingException", 400, "Rate exceeded"))).isEqualTo(Reason.THROTTLED);
        assertThat(AwsErrors.reason(service("InvalidParameterException", 400, "too big"))).isEqualTo(Reason.INVALID_REQUEST);
        assertThat(AwsErrors.reason(service("InternalServiceError", 500, "oops"))).isEqualTo(Reason.OTHER);
        InvalidRequestException deleted = (InvalidRequestException) InvalidRequestException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InvalidRequestException")
                        .errorMessage("You can't perform this operation on the secret because it was marked for deletion.")
                        .build()).build();
        assertThat(AwsErrors.reason(deleted)).isEqualTo(Reason.SCHEDULED_FOR_DELETION);
    }

    @Test
    void clientErrorsMapToNetworkOrConfiguration() {
        assertThat(AwsErrors.reason(SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused")))).isEqualTo(Reason.NETWORK);
        assertThat(AwsErrors.reason(SdkClientException.create("Unable to load credentials from any of the providers"
                + " in the chain"))).isEqualTo(Reason.CONFIGURATION);
    }

    @Test
    void theMessageNamesTheSecretTheRegionAndWhatToDo() {
        AwsSecretException e = AwsErrors.translate(service("AccessDeniedException", 400, "User x is not authorized"),
                "read", "prod/db", "region eu-west-1");
        assertThat(e).hasMessage("cannot read AWS secret 'prod/db' (region eu-west-1): access denied"
                + " (AccessDeniedException); the credentials need secretsmanager:* rights on it (and kms:Decrypt on its"
                + " key), or they are invalid or expired");
        assertThat(e.secretName()).contains("prod/db");
        assertThat(e.getCause()).isInstanceOf(AwsServiceException.class);
    }
}
