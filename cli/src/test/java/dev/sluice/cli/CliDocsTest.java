package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code sluice} command line the README and {@code docs/*.md} show (in code spans and code blocks)
 * names a real command, and every option it gives is one that command's {@code --help} lists: so the guides
 * cannot keep a flag that was renamed or never existed.
 */
class CliDocsTest {
    private static final Pattern FENCE = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");
    private static final Pattern COMMAND = Pattern.compile("(?:^|[\\s/(])sluice(?=\\s|$)((?:\\s+[a-z][a-z-]*)*)(.*)", Pattern.DOTALL);
    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][\\w-]*)");

    @TempDir
    Path home;

    private final Map<String, String> helps = new HashMap<>();

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    /** The code of a markdown text: each line of a code block (with {@code \} continuations joined), and each code span. */
    private static List<String> code(String markdown) {
        List<String> code = new ArrayList<>();
        Matcher fence = FENCE.matcher(markdown);
        StringBuilder prose = new StringBuilder();
        int at = 0;
        while (fence.find()) {
            prose.append(markdown, at, fence.start());
            at = fence.end();
            code.addAll(List.of(fence.group(1).replace("\\\n", " ").split("\n")));
        }
        prose.append(markdown.substring(at));
        Matcher span = SPAN.matcher(prose);
        while (span.find()) {
            code.add(span.group(1).replace('\n', ' '));
        }
        return code;
    }

    /** The help of a command path, or null when it is not a command. */
    private String help(String path) {
        return helps.computeIfAbsent(path, p -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(p.isEmpty() ? List.of() : List.of(p.split(" ")));
            args.add("--help");
            int code = SluiceCli.builder().out(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .err(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))
                    .environment(Map.of()).home(home).build().run(args.toArray(String[]::new));
            String help = out.toString(StandardCharsets.UTF_8);
            return code == 0 && help.startsWith("Usage: sluice" + (p.isEmpty() ? "" : " " + p)) ? help : "";
        });
    }

    @Test
    void everyDocumentedCommandAndOptionExists() throws IOException {
        List<Path> texts = new ArrayList<>(List.of(root().resolve("README.md")));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(texts::add);
        }
        Set<String> wrong = new LinkedHashSet<>();
        int checked = 0;
        for (Path text : texts) {
            for (String code : code(Files.readString(text))) {
                Matcher m = COMMAND.matcher(code);
                if (!m.find()) {
                    continue;
                }
                List<String> words = List.of(m.group(1).strip().split("\\s+"));
                if (words.get(0).equals("help")) {
                    continue; // picocli's help command: `sluice help COMMAND`
                }
                String path = "";
                for (int n = Math.min(2, words.get(0).isEmpty() ? 0 : words.size()); n > 0; n--) {
                    String candidate = String.join(" ", words.subList(0, n));
                    if (!help(candidate).isEmpty()) {
                        path = candidate;
                        break;
                    }
                }
                if (path.isEmpty() && !words.get(0).isEmpty()) {
                    wrong.add(root().relativize(text) + ": `" + code + "`: no such command");
                    continue;
                }
                String help = help(path);
                // the options of the command line: up to a shell operator or the next command
                String rest = (m.group(1) + m.group(2)).split("[;&|]{2}|[;#]| \\| ")[0];
                Matcher flag = FLAG.matcher(rest);
                while (flag.find()) {
                    checked++;
                    String f = flag.group(1);
                    if (!Pattern.compile("(?m)(^|[\\s,])" + Pattern.quote(f) + "([=\\s,\\[]|$)").matcher(help).find()) {
                        wrong.add(root().relativize(text) + ": `" + code + "`: sluice " + path + " has no option " + f);
                    }
                }
            }
        }
        assertThat(wrong).as("command lines the docs show that the CLI does not take").isEmpty();
        assertThat(checked).as("options checked").isGreaterThan(40);
    }

    /** The commands of a group as its {@code --help} lists them (picocli's {@code help} left out). */
    private List<String> subcommands(String path) {
        List<String> names = new ArrayList<>();
        boolean in = false;
        for (String line : help(path).lines().toList()) {
            if (line.equals("Commands:")) {
                in = true;
            } else if (in && line.matches("  [a-z][a-z-]*(\\s.*)?")) {
                String name = line.strip().split("\\s+")[0];
                if (!name.equals("help")) {
                    names.add(name);
                }
            } else if (in && line.isEmpty()) {
                in = false;
            }
        }
        return names;
    }

    @Test
    void theJavadocOfSluiceCliNamesEveryCommandAndWhereItReads() throws IOException {
        String javadoc = Files.readString(root().resolve("cli/src/main/java/dev/sluice/cli/SluiceCli.java"));
        javadoc = javadoc.substring(0, javadoc.indexOf("public final class SluiceCli"));
        List<String> missing = new ArrayList<>();
        List<String> groups = subcommands("");
        assertThat(groups).contains("runs", "deployments", "api-keys");
        for (String group : groups) {
            List<String> subs = subcommands(group);
            if (subs.isEmpty()) {
                if (!javadoc.contains("sluice " + group)) {
                    missing.add(group);
                }
            }
            for (String sub : subs) {
                if (!Pattern.compile("sluice " + group + " [a-z|-]*\\b" + sub + "\\b").matcher(javadoc).find()) {
                    missing.add(group + " " + sub);
                }
            }
        }
        assertThat(missing).as("commands the Javadoc of SluiceCli does not name").isEmpty();
        assertThat(javadoc).contains("SLUICE_DATABASE_BLOCK", "SLUICE_SERVER_URL", "SLUICE_API_KEY", "--server");
    }
}
