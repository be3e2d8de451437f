package dev.sluice.cli;

import dev.sluice.block.Block;
import dev.sluice.block.BlockType;

/**
 * A block type whose jar is on the class path but whose own dependency is not, as {@code email-notifier} is with only
 * the sluice-tasks-email jar in {@code SLUICE_CLASSPATH}: building one fails for a class the JVM cannot find.
 */
@BlockType("test-mailer")
public record TestMailer(String host) implements Block {
    /** Fails as the constructor of a block that uses a missing library does. */
    public TestMailer {
        if (host != null) {
            throw new NoClassDefFoundError("jakarta/mail/internet/AddressException");
        }
    }
}
