package dev.sluice.function;

/** A body of no arguments and no result that may throw checked exceptions: see {@code Task.action}. */
@FunctionalInterface
public interface ThrowingRunnable {
    /** Runs the body. */
    void run() throws Exception;
}
