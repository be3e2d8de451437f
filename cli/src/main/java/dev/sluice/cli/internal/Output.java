package dev.sluice.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.State;

/** JSON and colour for the commands' output. */
final class Output {
    private Output() {
    }

    /** {@code value} as indented JSON on standard output. */
    static void json(Cli cli, Object value) {
        try {
            cli.out.println(cli.json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as one line of JSON. */
    static String inline(Cli cli, Object value) {
        try {
            return cli.json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    /** The ANSI colour of a state: green done, red failed, yellow stopped, blue going. */
    static String colour(State state) {
        return switch (state) {
            case COMPLETED, CACHED -> "32";
            case FAILED, CRASHED, TIMED_OUT -> "31";
            case CANCELLED -> "33";
            case RUNNING, RETRYING -> "34";
            default -> "36";
        };
    }
}
