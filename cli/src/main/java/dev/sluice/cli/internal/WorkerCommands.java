package dev.sluice.cli.internal;

import dev.sluice.cli.SluiceCli;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentProvider;
import dev.sluice.scheduler.Sluice;
import dev.sluice.scheduler.Worker;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice worker start --jar app.jar}. */
final class WorkerCommands {
    private WorkerCommands() {
    }

    @Command(name = "worker", description = "Workers: JVMs that serve deployments.", subcommands = CommandLine.HelpCommand.class)
    static final class Group extends CommandGroup {
    }

    static CommandLine commands(Cli cli) {
        return new CommandLine(new Group()).addSubcommand("start", new Start(cli)).addSubcommand("ls", new WorkersLs(cli));
    }

    @Command(name = "start", description = {
        "Serves the deployments an application jar provides: registers them, fires their schedules, runs their scheduled",
        "and triggered runs, until stopped (Ctrl-C, SIGTERM: running runs get a grace period). The jar lists a",
        "dev.sluice.scheduler.DeploymentProvider in META-INF/services, or --class names a DeploymentProvider, a",
        "Supplier<List<Deployment>>, or a class with a public static deployments() method."})
    static final class Start implements Runnable {
        private final Cli cli;

        @Option(names = "--jar", required = true, paramLabel = "JAR", description = "The application jar (or a folder of classes).")
        Path jar;

        @Option(names = "--class", paramLabel = "CLASS", description = "The class that provides the deployments.")
        @Nullable String className;

        @Option(names = "--name", paramLabel = "NAME", description = "The worker's name (default: host and process id).")
        @Nullable String name;

        @Option(names = "--threads", paramLabel = "N", description = "How many runs it runs at once (default: the worker's).")
        @Nullable Integer threads;

        @Option(names = "--heartbeat", paramLabel = "DURATION",
                description = "How often the worker and its runs heartbeat: 1s, or ISO-8601 (PT0.5S); default 2s.")
        @Nullable String heartbeat;

        @Option(names = "--missed-heartbeats", paramLabel = "N", description = {"How many missed heartbeats make this worker"
                + " dead to the others, its running runs CRASHED (at least 4; default 5): heartbeat x this is how soon a"
                + " killed worker's runs are marked."})
        @Nullable Integer missedHeartbeats;

        Start(Cli cli) {
            this.cli = cli;
        }

        @Override
        public void run() {
            if (cli.remote() != null) {
                throw new CliException(SluiceCli.USAGE, "a worker serves a database: give --database, not --server");
            }
            if (!Files.exists(jar)) {
                throw new CliException(SluiceCli.NOT_FOUND, "no file " + jar.toAbsolutePath());
            }
            if (Files.isRegularFile(jar) && !isZip(jar)) {
                throw new CliException(SluiceCli.USAGE, jar + " is not a jar (nor a folder of classes)");
            }
            URL url;
            try {
                url = jar.toAbsolutePath().toUri().toURL();
            } catch (MalformedURLException e) {
                throw new CliException(SluiceCli.USAGE, "cannot read " + jar + ": " + e.getMessage());
            }
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(new URL[] {url}, WorkerCommands.class.getClassLoader())) {
                Thread.currentThread().setContextClassLoader(loader); // block types and services of the jar
                List<Deployment> deployments = deployments(loader);
                Worker.Builder builder = Worker.builder(cli.database()).deployments(deployments);
                if (name != null) {
                    builder.name(name);
                }
                if (threads != null) {
                    if (threads < 1) {
                        throw new CliException(SluiceCli.USAGE, "--threads must be at least 1, was " + threads);
                    }
                    builder.threads(threads);
                }
                if (heartbeat != null || missedHeartbeats != null) {
                    try {
                        builder.heartbeat(heartbeat == null ? Worker.DEFAULT_HEARTBEAT : Durations.length(heartbeat, "--heartbeat"),
                                missedHeartbeats == null ? Worker.DEFAULT_MISSED_HEARTBEATS : missedHeartbeats);
                    } catch (IllegalArgumentException e) {
                        throw new CliException(SluiceCli.USAGE, e.getMessage().replace("missedHeartbeats", "--missed-heartbeats")
                                .replace("heartbeat must", "--heartbeat must"));
                    }
                }
                Worker worker = builder.start(); // registered and taking work before it says so
                cli.out.println("Serving " + deployments.stream().map(Deployment::name).toList() + " from " + jar.getFileName()
                        + " on " + cli.database().redactedUrl() + " (Ctrl-C stops)");
                cli.out.flush();
                Sluice.serve(worker);
            } catch (java.io.IOException e) {
                throw new CliException(SluiceCli.FAILED, "cannot close the class loader of " + jar + ": " + e.getMessage());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
        }

        private List<Deployment> deployments(URLClassLoader loader) {
            List<Deployment> all = new ArrayList<>();
            if (className != null) {
                Class<?> type;
                try {
                    type = Class.forName(className, true, loader);
                } catch (ClassNotFoundException e) {
                    throw new CliException(SluiceCli.NOT_FOUND, "no class " + className + " in " + jar);
                }
                all.addAll(from(type));
            } else {
                for (String name : providersIn(loader)) {
                    try {
                        all.addAll(from(Class.forName(name, true, loader)));
                    } catch (ClassNotFoundException e) {
                        throw new CliException(SluiceCli.FAILED, jar + " lists DeploymentProvider " + name + ", which it does not hold");
                    }
                }
            }
            if (all.isEmpty()) {
                throw new CliException(SluiceCli.USAGE, className != null ? className + " gave no deployments"
                        : jar + " provides no deployments: list a dev.sluice.scheduler.DeploymentProvider"
                                + " in META-INF/services/dev.sluice.scheduler.DeploymentProvider, or name a class with --class");
            }
            return all;
        }

        private static boolean isZip(Path file) {
            try (java.io.InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(4);
                return head.length == 4 && head[0] == 'P' && head[1] == 'K';
            } catch (java.io.IOException e) {
                return true; // unreadable: said when the class loader reads it
            }
        }

        /** The provider classes the jar itself lists (not those of this command's own class path). */
        private List<String> providersIn(URLClassLoader loader) {
            List<String> names = new ArrayList<>();
            try {
                var urls = loader.findResources("META-INF/services/" + DeploymentProvider.class.getName());
                while (urls.hasMoreElements()) {
                    try (var in = urls.nextElement().openStream()) {
                        for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                            String n = line.replaceAll("#.*", "").strip();
                            if (!n.isEmpty()) {
                                names.add(n);
                            }
                        }
                    }
                }
            } catch (java.io.IOException e) {
                throw new CliException(SluiceCli.FAILED, "cannot read " + jar + ": " + e.getMessage());
            }
            return names;
        }

        @SuppressWarnings("unchecked")
        private List<Deployment> from(Class<?> type) {
            try {
                if (DeploymentProvider.class.isAssignableFrom(type)) {
                    return ((DeploymentProvider) type.getConstructor().newInstance()).deployments();
                }
                if (Supplier.class.isAssignableFrom(type)) {
                    return deploymentsIn(((Supplier<?>) type.getConstructor().newInstance()).get());
                }
                Method m = type.getMethod("deployments");
                if (Modifier.isStatic(m.getModifiers())) {
                    return deploymentsIn(m.invoke(null));
                }
            } catch (NoSuchMethodException e) {
                // neither a provider nor a class with deployments(): said below, as a usage error
            } catch (java.lang.reflect.InvocationTargetException e) {
                // the application's own code failed: its message is the news (a missing setting, ...)
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new CliException(SluiceCli.FAILED, "the deployments of " + type.getName() + " could not be made: "
                        + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            } catch (ReflectiveOperationException e) {
                throw new CliException(SluiceCli.FAILED, "cannot get the deployments of " + type.getName() + ": " + e);
            } catch (CliException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new CliException(SluiceCli.FAILED, "the deployments of " + type.getName() + " could not be made: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            throw new CliException(SluiceCli.USAGE, type.getName() + " is not a DeploymentProvider, a Supplier<List<Deployment>>,"
                    + " nor has a public static deployments() method");
        }

        private List<Deployment> deploymentsIn(@Nullable Object value) {
            List<Deployment> out = new ArrayList<>();
            if (value instanceof Deployment d) {
                out.add(d);
            } else if (value instanceof Collection<?> c) {
                for (Object o : c) {
                    if (!(o instanceof Deployment d)) {
                        throw new CliException(SluiceCli.USAGE, "--class gave a " + (o == null ? "null" : o.getClass().getName())
                                + " where a Deployment was expected");
                    }
                    out.add(d);
                }
            } else {
                throw new CliException(SluiceCli.USAGE, "--class gave " + (value == null ? "null" : value.getClass().getName())
                        + ", not a list of deployments");
            }
            return out;
        }
    }
}
