package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code Type.member} of Sluice's public API the README and {@code docs/*.md} name in code
 * ({@code `Worker.Builder.tagConcurrencyLimit`}, {@code `SluiceRuntime.builder().hookTimeout(d)`},
 * {@code `CatchUp.LATEST`}) exists: a method (any overload) or a constant, followed along a call chain by the
 * method's return type. Types from outside Sluice ({@code Duration.ofSeconds}) are not checked.
 */
class DocsApiNamesTest {
    private static final List<String> PACKAGES = List.of("dev.sluice", "dev.sluice.block", "dev.sluice.cache",
            "dev.sluice.notify", "dev.sluice.function", "dev.sluice.history", "dev.sluice.scheduler", "dev.sluice.server",
            "dev.sluice.micrometer", "dev.sluice.opentelemetry", "dev.sluice.cli", "dev.sluice.blocks.aws",
            "dev.sluice.blocks.webhook", "dev.sluice.tasks.email", "dev.sluice.tasks.http", "dev.sluice.tasks.slack",
            "dev.sluice.tasks.sql");
    private static final Pattern SPAN = Pattern.compile("```[a-z]*\\n(.*?)```|`([^`\\n]+)`", Pattern.DOTALL);
    private static final String ARGS = "\\((?:[^()]|\\((?:[^()]|\\([^()]*\\))*\\))*\\)";
    private static final Pattern CHAIN = Pattern.compile(
            "(?<![\\w.])([A-Z]\\w*(?:\\.[A-Z]\\w*)*)((?:\\s*\\.[a-zA-Z_]\\w*(?:" + ARGS + ")?)+)");
    private static final Pattern LINK = Pattern.compile("\\s*\\.([a-zA-Z_]\\w*)(" + ARGS + ")?");

    /** Prefect's Python API, in the README's "coming from Prefect" table: not Sluice's. */
    private static final Set<String> PREFECT = Set.of("Block.save", "Block.load", "SlackWebhook.load");

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    /** The Sluice types with this (possibly nested, dotted) name. */
    private static List<Class<?>> types(String name) {
        List<Class<?>> found = new ArrayList<>();
        for (String pkg : PACKAGES) {
            try {
                found.add(Class.forName(pkg + "." + name.replace('.', '$')));
            } catch (ClassNotFoundException e) {
                // not in this package
            }
        }
        return found;
    }

    @Test
    void everySluiceMemberTheDocsNameExists() throws IOException {
        List<Path> texts = new ArrayList<>(List.of(root().resolve("README.md")));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(texts::add);
        }
        Set<String> wrong = new LinkedHashSet<>();
        int checked = 0;
        for (Path text : texts) {
            Matcher span = SPAN.matcher(Files.readString(text));
            while (span.find()) {
                String code = span.group(1) != null ? span.group(1) : span.group(2);
                Matcher chain = CHAIN.matcher(code);
                while (chain.find()) {
                    List<Class<?>> current = types(chain.group(1));
                    if (current.isEmpty()) {
                        continue;
                    }
                    Matcher link = LINK.matcher(chain.group(2));
                    String shown = chain.group(1);
                    while (link.find() && !current.isEmpty()) {
                        String member = link.group(1);
                        boolean call = link.group(2) != null;
                        shown += "." + member + (call ? "(...)" : "");
                        checked++;
                        List<Method> methods = current.stream().flatMap(c -> Arrays.stream(c.getMethods()))
                                .filter(m -> m.getName().equals(member)).toList();
                        List<Class<?>> nested = current.stream().flatMap(c -> Arrays.stream(c.getClasses()))
                                .filter(c -> c.getSimpleName().equals(member)).toList();
                        boolean field = current.stream().flatMap(c -> Arrays.stream(c.getFields())).map(Field::getName)
                                .anyMatch(member::equals);
                        if (methods.isEmpty() && nested.isEmpty() && !field && !PREFECT.contains(chain.group(1) + "." + member)) {
                            wrong.add(root().relativize(text) + ": " + shown + " (in `" + code.strip().lines().findFirst().orElse("") + "`)");
                            break;
                        }
                        Set<Class<?>> returned = new LinkedHashSet<>();
                        boolean generic = methods.stream().anyMatch(m -> m.getGenericReturnType() instanceof TypeVariable);
                        methods.forEach(m -> returned.add(m.getReturnType()));
                        current = !nested.isEmpty() ? nested
                                : call && !generic && returned.size() == 1 && returned.iterator().next().getName().startsWith("dev.sluice")
                                        ? List.copyOf(returned) : List.of();
                    }
                }
            }
        }
        assertThat(wrong).as("Sluice members the docs name that do not exist").isEmpty();
        assertThat(checked).as("members checked").isGreaterThan(100);
    }
}
