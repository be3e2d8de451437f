package dev.sluice.cli.internal;

/** A command's failure with the exit code it means; the message is the one line printed. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    CliException(int code, String message) {
        super(message);
        this.code = code;
    }

    CliException(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }
}
