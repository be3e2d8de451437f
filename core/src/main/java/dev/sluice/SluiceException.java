package dev.sluice;

import dev.sluice.internal.Masker;
import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Sluice throws. Unchecked; each area has its own subclass
 * ({@link TaskFailedException}, {@link FlowFailedException}, ...). Messages never contain a
 * secret value: every value a {@link dev.sluice.block.Secret} revealed in this JVM is masked in the
 * message, and a cause whose message (or a cause's or suppressed exception's) holds one is replaced
 * by a masked copy that keeps the type name and the stack trace.
 */
public abstract class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    protected SluiceException(String message) {
        super(message == null ? null : Masker.mask(message));
    }

    /** An exception with a message and the cause it wraps. */
    protected SluiceException(String message, @Nullable Throwable cause) {
        super(message == null ? null : Masker.mask(message), cause == null ? null : Masker.maskThrowable(cause));
    }
}
