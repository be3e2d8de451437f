package dev.sluice;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} and {@code System.out} (where slf4j-simple, the
 * test logging backend, writes every log line) while it is open, still passing it through.
 */
final class CapturedOutput implements AutoCloseable {
    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    CapturedOutput() {
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
    }

    /** Everything captured so far. */
    String text() {
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private final class Tee extends java.io.OutputStream {
        private final PrintStream through;

        Tee(PrintStream through) {
            this.through = through;
        }

        @Override
        public void write(int b) {
            synchronized (buffer) {
                buffer.write(b);
            }
            through.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (buffer) {
                buffer.write(b, off, len);
            }
            through.write(b, off, len);
        }
    }
}
