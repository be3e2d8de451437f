package dev.sluice.blocks.aws.internal;

import dev.sluice.blocks.aws.AwsSecretException;
import dev.sluice.blocks.aws.AwsSecretException.Reason;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.model.DecryptionFailureException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** Turns SDK exceptions into {@link AwsSecretException}s that name the secret and never its value. */
public final class AwsErrors {
    private static final Set<String> DENIED = Set.of("AccessDeniedException", "UnrecognizedClientException",
            "InvalidSignatureException", "SignatureDoesNotMatch", "ExpiredTokenException", "InvalidClientTokenId",
            "IncompleteSignature", "MissingAuthenticationToken", "KMSAccessDeniedException");

    private AwsErrors() {
    }

    /** The reason behind {@code e}. */
    public static Reason reason(SdkException e) {
        if (e instanceof ResourceNotFoundException) {
            return Reason.NOT_FOUND;
        }
        if (e instanceof ResourceExistsException) {
            return Reason.ALREADY_EXISTS;
        }
        if (e instanceof DecryptionFailureException) {
            return Reason.ACCESS_DENIED;
        }
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
            if (s.isThrottlingException() || code.contains("Throttl") || code.equals("TooManyRequestsException")) {
                return Reason.THROTTLED;
            }
            if (DENIED.contains(code) || s.statusCode() == 403) {
                return Reason.ACCESS_DENIED;
            }
            if (code.equals("InvalidRequestException") && scheduledForDeletion(s)) {
                return Reason.SCHEDULED_FOR_DELETION;
            }
            if (s.statusCode() == 400) {
                return Reason.INVALID_REQUEST;
            }
            return Reason.OTHER;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || hasIoCause(e)) {
            return Reason.NETWORK;
        }
        if (e instanceof SdkClientException) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("credentials") || m.contains("region")) {
                return Reason.CONFIGURATION;
            }
        }
        return Reason.OTHER;
    }

    /** Whether AWS refused because the secret is scheduled for deletion. */
    public static boolean scheduledForDeletion(AwsServiceException e) {
        String m = String.valueOf(e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage())
                .toLowerCase(Locale.ROOT);
        return m.contains("deletion") || m.contains("marked for deletion") || m.contains("deleted");
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception for {@code e}, raised while doing {@code action} (e.g. "read") on
     * {@code secretName} with credentials described by {@code where}.
     */
    public static AwsSecretException translate(SdkException e, String action, @Nullable String secretName, String where) {
        Reason reason = reason(e);
        String what = secretName == null ? "AWS Secrets Manager" : "AWS secret '" + secretName + "'";
        String code = e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? " (" + s.awsErrorDetails().errorCode() + ")" : "";
        String detail = switch (reason) {
            case NOT_FOUND -> "not found" + code + "; check the name and the region, or write it first";
            case ACCESS_DENIED -> "access denied" + code + "; the credentials need secretsmanager:* rights on it"
                    + " (and kms:Decrypt on its key), or they are invalid or expired";
            case THROTTLED -> "throttled by AWS" + code + " even after " + AwsClients.MAX_ATTEMPTS
                    + " attempts with backoff; call less often (the block store caches reads) or try again later";
            case NETWORK -> "AWS could not be reached (" + rootMessage(e) + ") after " + AwsClients.MAX_ATTEMPTS
                    + " attempts; check the network, proxy and endpoint";
            case SCHEDULED_FOR_DELETION -> "is scheduled for deletion" + code + "; restore it (RestoreSecret) to use it";
            case ALREADY_EXISTS -> "already exists" + code;
            case CONFIGURATION -> "the AWS client is not configured: " + rootMessage(e);
            case INVALID_REQUEST -> "AWS rejected the request" + code + ": " + serviceMessage(e);
            case OTHER -> "failed" + code + ": " + serviceMessage(e);
        };
        return new AwsSecretException("cannot " + action + " " + what + " (" + where + "): " + detail, secretName, reason, e);
    }

    private static String serviceMessage(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null) {
            return s.awsErrorDetails().errorMessage();
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
