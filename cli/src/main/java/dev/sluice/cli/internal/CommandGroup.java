package dev.sluice.cli.internal;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** A command that only groups others ({@code sluice runs}, {@code sluice blocks}, ...): alone it is a usage error naming them. */
abstract class CommandGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        String name = spec.name();
        String article = "aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
        throw new CommandLine.ParameterException(spec.commandLine(),
                article + name + " command is missing (" + String.join(", ", names) + ")");
    }
}
