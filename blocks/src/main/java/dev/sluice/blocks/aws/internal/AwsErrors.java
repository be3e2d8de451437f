package dev.sluice.blocks.aws.internal;

import dev.sluice.block.Secret;
import dev.sluice.blocks.aws.AwsSecretException;
import dev.sluice.blocks.aws.AwsSecretException.Reason;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
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

    private static final String MASK = "**********";

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
     * {@code secretName} with credentials described by {@code where}, after at most
     * {@link AwsClients#MAX_ATTEMPTS} attempts. AWS's own text is masked as {@link #mask} says.
     */
    public static AwsSecretException translate(SdkException e, String action, @Nullable String secretName, String where) {
        return translate(e, action, secretName, where, AwsClients.MAX_ATTEMPTS, List.of());
    }

    /**
     * As {@link #translate(SdkException, String, String, String)}, after at most {@code attempts}
     * attempts, masking {@code hidden} (the value being written, a document's secret values) too:
     * in the message and in every message of the cause chain, which is replaced by a masked copy
     * when it held any of them.
     */
    public static AwsSecretException translate(SdkException e, String action, @Nullable String secretName, String where,
            int attempts, Collection<String> hidden) {
        Reason reason = reason(e);
        String what = secretName == null ? "AWS Secrets Manager" : "AWS secret '" + secretName + "'";
        String code = e instanceof AwsServiceException s && s.awsErrorDetails() != null
                ? " (" + mask(s.awsErrorDetails().errorCode(), hidden) + ")" : "";
        String detail = switch (reason) {
            case NOT_FOUND -> "not found" + code + "; check the name and the region, or write it first";
            case ACCESS_DENIED -> "access denied" + code + "; the credentials need secretsmanager:* rights on it"
                    + " (and kms:Decrypt on its key), or they are invalid or expired";
            case THROTTLED -> "throttled by AWS" + code + " even after " + attempts
                    + " attempts with backoff; call less often (the block store caches reads) or try again later";
            case NETWORK -> (timedOut(e) ? "AWS could not be reached in time (" : "AWS could not be reached (")
                    + mask(rootMessage(e), hidden) + ")" + (timedOut(e) ? "" : " after " + attempts + " attempts")
                    + "; check the network, proxy and endpoint";
            case SCHEDULED_FOR_DELETION -> "is scheduled for deletion" + code + "; restore it (RestoreSecret) to use it";
            case ALREADY_EXISTS -> "already exists" + code;
            case CONFIGURATION -> "the AWS client is not configured: " + mask(rootMessage(e), hidden);
            case INVALID_REQUEST -> "AWS rejected the request" + code + ": " + mask(serviceMessage(e), hidden);
            case OTHER -> "failed" + code + ": " + mask(serviceMessage(e), hidden);
        };
        return new AwsSecretException("cannot " + action + " " + what + " (" + where + "): " + detail, secretName, reason,
                masked(e, hidden));
    }

    /** Whether {@code e} is the SDK giving up because its call or attempt timeout passed. */
    public static boolean timedOut(SdkException e) {
        return e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException;
    }

    /**
     * {@code text} with every secret revealed in this JVM masked ({@link Secret#mask}: the secret key
     * and session token of the credentials in use among them), then each of {@code hidden}: what AWS
     * may echo (a signature error quotes the canonical request with the session token, a validation
     * error the value it refused) never reaches a message.
     */
    public static String mask(@Nullable String text, Collection<String> hidden) {
        String s = Secret.mask(text);
        for (String h : hidden) {
            if (h != null && h.length() >= 4) {
                s = s.replace(h, MASK);
            }
        }
        return s;
    }

    /**
     * {@code e} itself when no message in its cause chain or among its suppressed exceptions (the
     * SDK keeps each failed attempt as one) holds a secret; otherwise a copy of the chain whose
     * messages are masked, each naming the original type and keeping its stack trace.
     */
    public static Throwable masked(Throwable e, Collection<String> hidden) {
        return leaks(e, hidden, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0)
                ? copy(e, hidden, new java.util.IdentityHashMap<>(), 0) : e;
    }

    /** Whether a message of {@code t}, its causes or its suppressed exceptions holds a secret. */
    private static boolean leaks(@Nullable Throwable t, Collection<String> hidden, Set<Throwable> seen, int depth) {
        if (t == null || depth > 32 || !seen.add(t)) {
            return false;
        }
        String m = t.getMessage();
        if (m != null && !mask(m, hidden).equals(m)) {
            return true;
        }
        for (Throwable s : t.getSuppressed()) {
            if (leaks(s, hidden, seen, depth + 1)) {
                return true;
            }
        }
        return leaks(t.getCause(), hidden, seen, depth + 1);
    }

    private static Throwable copy(Throwable t, Collection<String> hidden, java.util.Map<Throwable, Throwable> copies,
            int depth) {
        Throwable done = copies.get(t);
        if (done != null) {
            return done;
        }
        MaskedException copy = new MaskedException(t.getClass().getName()
                + (t.getMessage() == null ? "" : ": " + mask(t.getMessage(), hidden)));
        copies.put(t, copy);
        copy.setStackTrace(t.getStackTrace());
        Throwable cause = t.getCause();
        if (cause != null && cause != t && depth < 32) {
            copy.initCause(copy(cause, hidden, copies, depth + 1));
        }
        for (Throwable s : t.getSuppressed()) {
            if (depth < 32 && s != t) {
                copy.addSuppressed(copy(s, hidden, copies, depth + 1));
            }
        }
        return copy;
    }

    /** Stands in for an exception whose message held a secret; its message starts with the original type. */
    static final class MaskedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MaskedException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
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
