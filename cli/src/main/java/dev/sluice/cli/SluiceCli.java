package dev.sluice.cli;

import dev.sluice.cli.internal.Cli;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sluice} command, run from a shell (through {@code bin/sluice} or
 * {@code java -jar cli/target/sluice.jar}) or in-process:
 *
 * <pre>{@code
 * int exit = SluiceCli.builder().out(out).err(err).build().run("runs", "ls", "--state", "FAILED", "--json");
 * }</pre>
 *
 * <h2>Commands</h2>
 * {@code sluice runs ls|show|logs|cancel|retry}, {@code sluice blocks types|ls|show|create|rm},
 * {@code sluice deployments ls|show|run|backfill|pause|resume|runs}, {@code sluice worker start|ls},
 * {@code sluice server start}, {@code sluice api-keys create|ls|revoke}, {@code sluice version},
 * {@code sluice generate-completion}; {@code sluice help COMMAND} or {@code --help} on any command
 * describes it ({@code docs/cli.md} has them all).
 *
 * <h2>Exit codes</h2>
 * {@value #OK} ok; {@value #FAILED} the command (or the run it waited for) failed; {@value #USAGE} a
 * usage error; {@value #NOT_FOUND} what was named does not exist; {@value #UNREACHABLE} the database
 * or server cannot be reached (or holds no run history, or the URL is no Sluice server's). Errors are
 * one line on standard error, with secrets masked, without a stack trace unless {@code --verbose} is given.
 *
 * <h2>Where it reads</h2>
 * The run history in {@code --database URL}, else the {@code history-database} block
 * {@code SLUICE_DATABASE_BLOCK} names, else {@code SLUICE_DATABASE_URL} (with
 * {@code SLUICE_DATABASE_USER} and {@code SLUICE_DATABASE_PASSWORD}), else
 * {@code $SLUICE_HOME/sluice.db}; blocks in the stores {@code SLUICE_BLOCK_STORE} names (by default
 * the environment, then the files under {@code $SLUICE_HOME/blocks}). With {@code --server URL} (or
 * {@code SLUICE_SERVER_URL}, unless {@code --database} is given) the run, deployment, block and key
 * commands ask that server's JSON API instead, with the API key in {@code SLUICE_API_KEY}.
 */
public final class SluiceCli {
    /** Exit code: the command did what it was asked. */
    public static final int OK = 0;
    /** Exit code: the command failed, or the run it waited for did not complete. */
    public static final int FAILED = 1;
    /** Exit code: the command line is wrong (unknown command or option, bad value). */
    public static final int USAGE = 2;
    /** Exit code: a run, block or other named thing does not exist. */
    public static final int NOT_FOUND = 3;
    /** Exit code: the database or server cannot be reached. */
    public static final int UNREACHABLE = 4;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Map<String, String> environment;
    private final @Nullable Boolean terminal;
    private final @Nullable Path home;

    private SluiceCli(Builder b) {
        this.out = b.out;
        this.err = b.err;
        this.in = b.in;
        this.environment = Map.copyOf(b.environment);
        this.terminal = b.terminal;
        this.home = b.home;
    }

    /** Runs the command line {@code args} and exits the JVM with its exit code. */
    public static void main(String[] args) {
        // the command's own output is what it prints; library logging only says warnings and errors, on standard error
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        // the web server logs a failed start itself, unformatted; the command says it once, in its own words
        if (System.getProperty("org.slf4j.simpleLogger.log.io.javalin.Javalin") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.javalin.Javalin", "off");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (!unicodeConsole()) {
            // into a pipe or file, or a console that takes ASCII only (the C locale of a container or cron job): UTF-8,
            // which JSON is (RFC 8259), rather than a '?' for every letter outside the platform's charset
            out = new PrintStream(new java.io.BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), 8192), true, java.nio.charset.StandardCharsets.UTF_8);
            err = new PrintStream(new java.io.BufferedOutputStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), 8192), true, java.nio.charset.StandardCharsets.UTF_8);
        }
        int code = builder().out(out).err(err).build().run(args);
        out.flush();
        err.flush();
        System.out.flush();
        System.exit(code);
    }

    /** Whether standard output is a console whose charset has every letter (then it is written in that charset). */
    private static boolean unicodeConsole() {
        if (System.console() == null) {
            return false;
        }
        String name = System.getProperty("sun.stdout.encoding", System.getProperty("file.encoding", ""));
        try {
            return java.nio.charset.Charset.forName(name).newEncoder().canEncode("\u65e5\u00e9\u0416");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A command runner over the process's standard streams and environment, to change with the builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs one command line and returns its exit code (never throws for a failing command: the error
     * is printed to the error stream).
     */
    public int run(String... args) {
        Objects.requireNonNull(args, "args");
        return new Cli(out, err, in, environment, terminal, home).run(args);
    }

    /** Settings of a {@link SluiceCli}. */
    public static final class Builder {
        private PrintStream out = System.out;
        private PrintStream err = System.err;
        private InputStream in = System.in;
        private Map<String, String> environment = System.getenv();
        private @Nullable Boolean terminal;
        private @Nullable Path home;

        private Builder() {
        }

        /** Where results go (default standard output). */
        public Builder out(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /** Where errors and prompts go (default standard error). */
        public Builder err(PrintStream err) {
            this.err = Objects.requireNonNull(err, "err");
            return this;
        }

        /** Where {@code --stdin} input and answers to prompts come from when there is no console (default standard input). */
        public Builder in(InputStream in) {
            this.in = Objects.requireNonNull(in, "in");
            return this;
        }

        /** The environment variables the command sees (default the process's). */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /**
         * Whether output goes to a terminal, for colour and prompts (default: whether the JVM has a
         * console). Colour is off anyway with {@code NO_COLOR} set or {@code --no-color}.
         */
        public Builder terminal(boolean terminal) {
            this.terminal = terminal;
            return this;
        }

        /** The Sluice home folder (default {@code SLUICE_HOME}, else {@code ~/.sluice}). */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /** The runner. */
        public SluiceCli build() {
            return new SluiceCli(this);
        }
    }
}
