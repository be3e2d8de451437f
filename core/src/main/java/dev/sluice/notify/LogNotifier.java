package dev.sluice.notify;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A notifier that writes each notification to an SLF4J logger: {@link Severity#ERROR} and
 * {@link Severity#CRITICAL} at ERROR, {@link Severity#WARNING} at WARN, {@link Severity#INFO} at
 * INFO. The embedded default: needs no server, so examples and tests can use it.
 *
 * <pre>{@code
 * flow = flow.onFailure(Notify.via(new LogNotifier()));   // a copy with the hook: a flow never changes
 * }</pre>
 *
 * @param logger the logger name
 */
@BlockType("log-notifier")
public record LogNotifier(String logger) implements Notifier, Block {
    /** The logger name {@link #LogNotifier()} uses. */
    public static final String DEFAULT_LOGGER = "sluice.notifications";

    /** Validates the logger name. */
    public LogNotifier {
        Objects.requireNonNull(logger, "logger");
        if (logger.isBlank()) {
            throw new IllegalArgumentException("logger must not be blank");
        }
    }

    /** A notifier writing to {@value #DEFAULT_LOGGER}. */
    public LogNotifier() {
        this(DEFAULT_LOGGER);
    }

    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        Logger log = LoggerFactory.getLogger(logger);
        String text = notification.text();
        switch (notification.severity()) {
            case CRITICAL, ERROR -> log.error("{}", text);
            case WARNING -> log.warn("{}", text);
            default -> log.info("{}", text);
        }
    }
}
