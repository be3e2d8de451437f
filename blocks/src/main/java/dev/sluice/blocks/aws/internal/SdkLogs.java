package dev.sluice.blocks.aws.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the AWS SDK's request signer from writing credentials to the application log. At DEBUG
 * the signer logs each request's canonical form, which holds the {@code x-amz-security-token}
 * header: the session token of temporary credentials, one line per request. Before a client is
 * built, each signer logger found at DEBUG is set to INFO through the SLF4J backend in use
 * (Logback, Log4j 2, {@code java.util.logging} or slf4j-simple), with one warning saying so; the
 * rest of the SDK's DEBUG output (request ids, retries, header names, the string to sign, which
 * holds no secret) is left alone. A backend this class cannot change gets a warning telling the
 * user to do it. System property {@value #KEEP_PROPERTY}{@code =true} leaves the signer loggers
 * as configured.
 */
final class SdkLogs {
    /** Set to {@code true} to keep the SDK signer's DEBUG lines (they contain the session token). */
    static final String KEEP_PROPERTY = "sluice.aws.keepSigningLogs";
    /** The loggers whose DEBUG lines hold the canonical request (the current signer, and the legacy one). */
    static final List<String> SIGNER_LOGGERS = List.of(
            "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
            "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer");
    private static final Logger LOG = LoggerFactory.getLogger(SdkLogs.class);
    /** java.util.logging keeps loggers weakly: the ones changed are held here so the level sticks. */
    private static final List<Object> HELD = new ArrayList<>();

    private SdkLogs() {
    }

    /** Raises every signer logger at DEBUG to INFO (or warns that it cannot); cheap when none is. */
    static void keepCredentialsOutOfDebugLogs() {
        for (String name : SIGNER_LOGGERS) {
            Logger logger = LoggerFactory.getLogger(name);
            if (!logger.isDebugEnabled() || Boolean.getBoolean(KEEP_PROPERTY)) {
                continue;
            }
            synchronized (HELD) {
                if (!logger.isDebugEnabled()) {
                    continue;
                }
                boolean changed = raise(name, logger);
                if (changed && !logger.isDebugEnabled()) {
                    LOG.warn("logger {} was at DEBUG, where the AWS SDK writes each request's canonical form with the"
                            + " session token (x-amz-security-token) of temporary credentials; Sluice set it to INFO."
                            + " The SDK's other DEBUG logs are unchanged. Set -D{}=true to keep it at DEBUG", name,
                            KEEP_PROPERTY);
                } else {
                    LOG.warn("logger {} is at DEBUG, where the AWS SDK writes each request's canonical form with the"
                            + " session token (x-amz-security-token) of temporary credentials, and Sluice cannot change"
                            + " the level with this logging backend ({}): set that logger to INFO in the logging"
                            + " configuration", name, LoggerFactory.getILoggerFactory().getClass().getName());
                }
            }
        }
    }

    /** Sets {@code name} to INFO in the backend behind {@code logger}; false if the backend is not one known here. */
    private static boolean raise(String name, Logger logger) {
        String backend = logger.getClass().getName();
        try {
            if (backend.equals("ch.qos.logback.classic.Logger")) {
                Class<?> level = Class.forName("ch.qos.logback.classic.Level", true, logger.getClass().getClassLoader());
                Method setLevel = logger.getClass().getMethod("setLevel", level);
                setLevel.invoke(logger, level.getField("INFO").get(null));
                return true;
            }
            if (backend.startsWith("org.apache.logging.slf4j.")) {
                ClassLoader loader = logger.getClass().getClassLoader();
                Class<?> level = Class.forName("org.apache.logging.log4j.Level", true, loader);
                Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator", true, loader);
                configurator.getMethod("setLevel", String.class, level).invoke(null, name, level.getField("INFO").get(null));
                return true;
            }
            if (backend.equals("org.slf4j.jul.JDK14LoggerAdapter") || backend.equals("org.slf4j.impl.JDK14LoggerAdapter")) {
                java.util.logging.Logger jul = java.util.logging.Logger.getLogger(name);
                jul.setLevel(java.util.logging.Level.INFO);
                HELD.add(jul);
                return true;
            }
            if (backend.equals("org.slf4j.simple.SimpleLogger") || backend.equals("org.slf4j.impl.SimpleLogger")) {
                // slf4j-simple fixes a logger's level when it is made; loggers are cached by name, so the SDK gets this one
                Field level = logger.getClass().getDeclaredField("currentLogLevel");
                level.setAccessible(true);
                level.setInt(logger, org.slf4j.spi.LocationAwareLogger.INFO_INT);
                return true;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("could not change the level of logger {} through {}", name, backend, e);
        }
        return false;
    }
}
