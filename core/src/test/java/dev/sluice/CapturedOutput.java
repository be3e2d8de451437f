package dev.sluice;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures every log line (from logback, the test logging backend, formatted as
 * {@code [thread] LEVEL logger - message} with the stack trace after it) and whatever is written to
 * {@code System.err} and {@code System.out} while it is open, still passing the streams through.
 */
final class CapturedOutput implements AutoCloseable {
    private static final String[] LOGGERS = {org.slf4j.Logger.ROOT_LOGGER_NAME, "sluice"};

    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
            new ch.qos.logback.core.OutputStreamAppender<>();

    CapturedOutput() {
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("[%thread] %level %logger - %msg%n%ex");
        encoder.start();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                synchronized (buffer) {
                    buffer.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (buffer) {
                    buffer.write(b, off, len);
                }
            }
        });
        appender.start();
        for (String name : LOGGERS) {
            context.getLogger(name).addAppender(appender);
        }
    }

    /** Everything captured so far. */
    String text() {
        synchronized (buffer) {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        ch.qos.logback.classic.LoggerContext context =
                (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        for (String name : LOGGERS) {
            context.getLogger(name).detachAppender(appender);
        }
        appender.stop();
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
