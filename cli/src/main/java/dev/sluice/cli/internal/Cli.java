package dev.sluice.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockNotFoundException;
import dev.sluice.block.BlockStoreUnavailableException;
import dev.sluice.cli.SluiceCli;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.history.HistoryException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** One run of the {@code sluice} command line: the commands, the options every command takes, and the exit codes. */
public final class Cli {
    final PrintStream out;
    final PrintStream err;
    final InputStream in;
    final Map<String, String> env;
    private final @Nullable Boolean terminal;
    private final @Nullable Path home;
    final Clock clock = Clock.systemUTC();
    final ObjectMapper json = JsonMapper.builder().addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule().addSerializer(new SortedSets()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    /**
     * A set (a run's tags) as a sorted array: the same in every run of the command, where {@code Set.copyOf} iterates in
     * the order of the JVM's hash salt.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class SortedSets extends com.fasterxml.jackson.databind.ser.std.StdSerializer<java.util.Set> {
        SortedSets() {
            super(java.util.Set.class);
        }

        @Override
        public void serialize(java.util.Set set, com.fasterxml.jackson.core.JsonGenerator gen,
                com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
            java.util.List<Object> items = new java.util.ArrayList<>(set);
            items.sort(java.util.Comparator.comparing(String::valueOf));
            provider.defaultSerializeValue(items, gen);
        }
    }
    /** For reading a server's answers: fields this version does not know are skipped. */
    final ObjectMapper jsonIn = JsonMapper.builder().addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build(); // "operator" as a role
    final Root root = new Root();
    private @Nullable SluiceRuntime runtime;

    public Cli(PrintStream out, PrintStream err, InputStream in, Map<String, String> env, @Nullable Boolean terminal,
            @Nullable Path home) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.terminal = terminal;
        this.home = home;
    }

    /** The options every command takes. */
    @Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Runs, blocks, deployments and workers of Sluice, the Java workflow library.",
            subcommands = CommandLine.HelpCommand.class,
            footer = {"", "Exit codes: 0 ok, 1 failed, 2 usage error, 3 not found, 4 database or server unreachable."})
    static final class Root implements Runnable {
        @Option(names = "--database", scope = ScopeType.INHERIT, paramLabel = "URL",
                description = "The run history: a JDBC URL (jdbc:sqlite:FILE or jdbc:postgresql://...). Default: the"
                        + " history-database block SLUICE_DATABASE_BLOCK names, else SLUICE_DATABASE_URL, else"
                        + " $SLUICE_HOME/sluice.db. A password comes from SLUICE_DATABASE_PASSWORD.")
        @Nullable String database;

        @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
                description = "The Sluice home (blocks, keys, the default database). Default: SLUICE_HOME, else ~/.sluice.")
        @Nullable Path home;

        @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
                description = "Ask a Sluice server's JSON API instead of the database (runs, deployments, blocks, api-keys); the key comes"
                        + " from SLUICE_API_KEY. Default: SLUICE_SERVER_URL, if set and --database is not given.")
        @Nullable String server;

        @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
        boolean verbose;

        @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "No colour (also when NO_COLOR is set).")
        boolean noColor;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing");
        }
    }

    /** The version printed by {@code sluice version} and {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"sluice " + version() + " (Java " + System.getProperty("java.version") + ")"};
        }

        static String version() {
            String v = SluiceCli.class.getPackage().getImplementationVersion();
            return v != null ? v : "0.1.0-SNAPSHOT";
        }
    }

    @Command(name = "version", description = "Prints the version of Sluice and of Java.")
    static final class VersionCommand implements Runnable {
        private final Cli cli;

        VersionCommand(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            cli.out.println(new Version().getVersion()[0]);
        }
    }

    /** Runs {@code args}: the exit code. */
    public int run(String[] args) {
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand("version", new VersionCommand(this));
        cl.addSubcommand("runs", Runs.commands(this));
        cl.addSubcommand("blocks", BlocksCommands.commands(this));
        cl.addSubcommand("deployments", DeploymentsCommands.commands(this));
        cl.addSubcommand("server", ServerCommands.commands(this));
        cl.addSubcommand("worker", WorkerCommands.commands(this));
        cl.addSubcommand("api-keys", ApiKeysCommands.commands(this));
        cl.addSubcommand("generate-completion", new picocli.AutoComplete.GenerateCompletion());
        cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        helpEverywhere(cl);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            err.println("sluice: " + Table.oneLine(usageMessage(e)));
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more.");
            return SluiceCli.USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> failed(e));
        if (args.length >= 3 && args[0].equals("help")) {
            // `sluice help runs ls`: picocli's help reads one command name; the group's own help command reads the next
            String[] inGroup = args.clone();
            inGroup[0] = args[1];
            inGroup[1] = "help";
            args = inGroup;
        }
        try {
            return cl.execute(args);
        } finally {
            if (runtime != null) {
                runtime.close();
            }
            out.flush();
        }
    }

    /**
     * The message of a usage error: a mistyped command named as one (picocli says "Unmatched arguments from index 0"),
     * with the commands or options it may have meant.
     */
    private static String usageMessage(CommandLine.ParameterException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            CommandLine c = e.getCommandLine();
            String first = u.getUnmatched().get(0);
            if (!first.startsWith("-") && c.getSubcommands().size() > 1) {
                message = "unknown command '" + first + "' (" + c.getCommandSpec().qualifiedName() + " has: "
                        + String.join(", ", c.getSubcommands().keySet()) + ")";
            } else if (!u.isUnknownOption() && c.getSubcommands().size() <= 1) {
                // picocli: "Unmatched argument at index 3: 'extra'"
                String takes = c.getCommandSpec().positionalParameters().stream().map(p -> p.paramLabel())
                        .collect(java.util.stream.Collectors.joining(" "));
                message = c.getCommandSpec().qualifiedName() + " takes " + (takes.isEmpty() ? "" : takes + " and ")
                        + "options only; unexpected: '" + String.join("', '", u.getUnmatched()) + "'";
            }
            java.util.List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += "; did you mean " + String.join(" or ", suggestions) + "?";
            }
        }
        return message;
    }

    /** {@code -h}/{@code --help} on every command, as every usage error suggests ("Try 'sluice runs ls --help'"). */
    private static void helpEverywhere(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions() && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
            helpEverywhere(sub);
        }
    }

    private int failed(Exception e) {
        int code;
        if (e instanceof CliException c) {
            code = c.code;
        } else if (e instanceof BlockNotFoundException) {
            code = SluiceCli.NOT_FOUND;
        } else if (e instanceof dev.sluice.scheduler.DeploymentNotFoundException) {
            code = SluiceCli.NOT_FOUND;
        } else if (e instanceof dev.sluice.scheduler.InvalidParametersException) {
            code = SluiceCli.USAGE;
        } else if (e instanceof dev.sluice.scheduler.SchedulerDatabaseException) {
            code = SluiceCli.UNREACHABLE;
        } else if (e instanceof BlockStoreUnavailableException || e instanceof HistoryException) {
            code = e instanceof HistoryException && !(e instanceof dev.sluice.history.HistoryUnavailableException)
                    ? SluiceCli.FAILED : SluiceCli.UNREACHABLE;
        } else if (e instanceof IllegalArgumentException) {
            code = SluiceCli.USAGE;
        } else if (unreachable(e)) {
            code = SluiceCli.UNREACHABLE; // another module's exception (the server's ApiKeys) around the history's
        } else {
            code = SluiceCli.FAILED;
        }
        String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
        // one line, and no escape code of an id, a name or a server's answer the message quotes reaches the terminal
        err.println("sluice: " + Table.oneLine(dev.sluice.block.Secret.mask(message)));
        if (root.verbose) {
            e.printStackTrace(err);
        } else if (code == SluiceCli.FAILED && !(e instanceof CliException) && !(e instanceof dev.sluice.SluiceException)) {
            // Sluice's own exceptions are expected outcomes (a refusal, a failed run): their message is the whole story
            err.println("(an unexpected " + e.getClass().getSimpleName() + ": --verbose shows where)");
        }
        return code;
    }

    /**
     * Whether a cause of {@code e} says the database or block store cannot be reached: one of Sluice's exceptions that
     * say so, or the driver's own (the server's {@code ApiKeys} wrap it as it came) for a connection that failed or
     * broke (SQL state class 08) or a SQLite file another program holds locked past the wait.
     */
    private static boolean unreachable(Throwable e) {
        int depth = 0;
        for (Throwable c = e.getCause(); c != null && depth++ < 16; c = c.getCause()) {
            if (c instanceof dev.sluice.history.HistoryUnavailableException || c instanceof BlockStoreUnavailableException
                    || c instanceof dev.sluice.scheduler.SchedulerDatabaseException) {
                return true;
            }
            if (c instanceof org.sqlite.SQLiteException s) {
                String code = s.getResultCode().name();
                if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
                    return true;
                }
            } else if (c instanceof java.sql.SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Whether to colour output: a terminal, no NO_COLOR, no --no-color. */
    boolean colour() {
        String noColor = env.get("NO_COLOR");
        return isTerminal() && !root.noColor && (noColor == null || noColor.isEmpty());
    }

    boolean isTerminal() {
        return terminal != null ? terminal : System.console() != null;
    }

    /** The runtime whose block store and home the commands use (made on first use, closed at the end). */
    SluiceRuntime runtime() {
        if (runtime == null) {
            SluiceRuntime.Builder b = SluiceRuntime.builder().environment(env).withoutExtensions();
            Path h = root.home != null ? root.home : home;
            if (h != null) {
                b.home(h);
            }
            runtime = b.build();
        }
        return runtime;
    }

    /** The database the options name: {@code --database}, else the environment's. */
    HistoryDatabase database() {
        if (root.database != null && !root.database.isBlank()) {
            return HistoryDatabase.of(root.database.strip(), env.getOrDefault(HistoryDatabase.USER_VARIABLE, ""),
                    dev.sluice.block.Secret.of(env.getOrDefault(HistoryDatabase.PASSWORD_VARIABLE, "")));
        }
        return HistoryDatabase.of(runtime());
    }

    /** The run history the options name, opened for reading (no retention purge of its own). */
    History history() {
        return History.builder(existing(database())).purgeInterval(java.time.Duration.ofDays(3650)).open();
    }

    /**
     * {@code db}, when it is not a SQLite file that is not there, nor a PostgreSQL database without the run history's
     * tables: a command that reads or asks what is in the database never makes one (a mistyped path would give an
     * empty answer and leave a new file behind; another application's database would get Sluice's tables);
     * {@code worker start} and {@code server start} make it. A PostgreSQL server that cannot be reached is left to
     * the opening, which says why.
     */
    static HistoryDatabase existing(HistoryDatabase db) {
        java.util.Optional<Path> file = db.sqliteFile();
        if (file.isPresent() && !java.nio.file.Files.exists(file.get())) {
            throw new CliException(SluiceCli.UNREACHABLE, "no run history database at " + file.get() + ": a worker or a flow"
                    + " with the history on makes it; check --database, SLUICE_DATABASE_URL or SLUICE_HOME");
        }
        if (file.isPresent() && java.nio.file.Files.isRegularFile(file.get()) && !sqliteHasHistory(file.get())) {
            throw new CliException(SluiceCli.UNREACHABLE, "no run history in " + file.get() + ": the file holds none of its"
                    + " tables (an empty file, or another application's database); a worker or a flow with the history on"
                    + " makes them in a new file; check --database, SLUICE_DATABASE_URL or SLUICE_HOME");
        }
        if (file.isEmpty() && !hasHistoryTables(db)) {
            throw new CliException(SluiceCli.UNREACHABLE, "no run history in " + db.redactedUrl() + ": the database has none"
                    + " of its tables (a worker or a flow with the history on makes them); check --database,"
                    + " SLUICE_DATABASE_URL or SLUICE_DATABASE_BLOCK");
        }
        return db;
    }

    /**
     * Whether SQLite file {@code file} has the run history's tables, asked read-only (an empty file stays empty); true
     * when it cannot be asked (not a database, locked: opening the history says so, with its own message).
     */
    private static boolean sqliteHasHistory(Path file) {
        try {
            if (java.nio.file.Files.size(file) == 0) { // unless a new database's first writes are still in its WAL
                Path wal = file.resolveSibling(file.getFileName() + "-wal");
                return java.nio.file.Files.isRegularFile(wal) && java.nio.file.Files.size(wal) > 0;
            }
        } catch (java.io.IOException e) {
            return true;
        }
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(1_000);
        try (java.sql.Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file, config.toProperties());
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("select count(*) from sqlite_master where type = 'table' and name in"
                        + " ('flow_run', 'sluice_schema_history')")) {
            return !rs.next() || rs.getInt(1) > 0;
        } catch (java.sql.SQLException | RuntimeException e) {
            return true;
        }
    }

    /** Whether PostgreSQL database {@code db} has the run history's tables; true when it cannot be asked. */
    private static boolean hasHistoryTables(HistoryDatabase db) {
        java.util.Properties properties = new java.util.Properties();
        if (!db.user().isEmpty()) {
            properties.setProperty("user", db.user());
        }
        String password = db.password().reveal();
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        long seconds = Math.max(1, db.connectTimeout().toSeconds());
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("loginTimeout", Long.toString(seconds));
        try (java.sql.Connection c = new org.postgresql.Driver().connect(db.url(), properties)) {
            if (c == null) {
                return true;
            }
            try (java.sql.Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("select to_regclass('flow_run') is not null")) {
                return !rs.next() || rs.getBoolean(1);
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return true; // unreachable, refused: opening the history says so, with its own message
        }
    }

    /** The server {@code --server} (or SLUICE_SERVER_URL) names, if any. */
    @Nullable Remote remote() {
        if (root.server != null && root.database != null) {
            throw new CliException(SluiceCli.USAGE, "give --server or --database, not both");
        }
        // an option wins over the environment: --database asks the database even with SLUICE_SERVER_URL set
        String url = root.server != null ? root.server : root.database != null ? null : env.get("SLUICE_SERVER_URL");
        if (url == null || url.isBlank()) {
            return null;
        }
        return new Remote(this, url, env.get(Remote.KEY_VARIABLE));
    }

    /** Refuses {@code --server} for a command that needs the database or block store itself. */
    void requireLocal(String command) {
        if (remote() != null) {
            throw new CliException(SluiceCli.USAGE, command + " works on the database and block store, not through a server:"
                    + " run it without --server (and without SLUICE_SERVER_URL) where they are reachable");
        }
    }

    /** Where runs are read: the server, else the history database. */
    RunSource runs() {
        Remote r = remote();
        return r != null ? new RunSource.Server(this, r) : new RunSource.Local(history(), this::deployments);
    }

    /** The deployments in the database (opening it migrates the history's tables first, then the scheduler's). */
    dev.sluice.scheduler.DeploymentClient deployments() {
        return dev.sluice.scheduler.DeploymentClient.open(existing(database()));
    }
}
