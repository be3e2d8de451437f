package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in the README stands, line for line (indentation aside), in a source file of
 * this module or of {@code examples/spring-boot}, which the build compiles: so the README's code compiles too, and cannot drift.
 */
class ReadmeSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    private static List<String> normalized(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }

    @Test
    void everyJavaSnippetInTheReadmeIsCompiledCode() throws IOException {
        String readme = Files.readString(root().resolve("README.md"));
        List<String> sources = new ArrayList<>();
        for (String folder : List.of("examples/src/main/java", "examples/spring-boot/src/main/java")) {
            try (Stream<Path> files = Files.walk(root().resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    sources.add(String.join("\n", normalized(Files.readString(f))));
                }
            }
        }
        Matcher m = JAVA_BLOCK.matcher(readme);
        int snippets = 0;
        while (m.find()) {
            snippets++;
            String snippet = String.join("\n", normalized(m.group(1)));
            assertThat(sources).as("README snippet %d is not in examples/src/main/java or examples/spring-boot/src/main/java:%n%s", snippets, m.group(1))
                    .anySatisfy(source -> assertThat(source).contains(snippet));
        }
        assertThat(snippets).as("java snippets in README.md").isGreaterThanOrEqualTo(5);
    }

    /**
     * The commands that run an example, in the README and in the examples' own Javadoc, work as printed: the build
     * configures {@code exec:exec} (with {@code example.main}) only, so an {@code exec:java} command fails, and every
     * {@code -Dexample.main} names a class of this module with a {@code main}.
     */
    @Test
    void everyCommandThatRunsAnExampleUsesExecExecAndNamesAMainClass() throws IOException, ReflectiveOperationException {
        List<Path> texts = new ArrayList<>(List.of(root().resolve("README.md")));
        try (Stream<Path> files = Files.walk(root().resolve("examples/src/main/java"))) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(texts::add);
        }
        Pattern command = Pattern.compile("\\./mvnw [^`}\\n]*-pl examples[^`}\\n]*");
        Pattern main = Pattern.compile("-Dexample\\.main=([\\w.]+)");
        List<String> wrong = new ArrayList<>();
        int commands = 0;
        for (Path text : texts) {
            Matcher m = command.matcher(Files.readString(text));
            while (m.find()) {
                commands++;
                String line = m.group();
                if (!line.contains("exec:exec") || line.contains("exec:java")) {
                    wrong.add(root().relativize(text) + ": " + line);
                }
                Matcher named = main.matcher(line);
                if (named.find()) {
                    Class.forName(named.group(1)).getMethod("main", String[].class);
                }
            }
        }
        assertThat(wrong).as("commands that do not run an example as the build is configured").isEmpty();
        assertThat(commands).as("commands found").isGreaterThanOrEqualTo(10);
    }
}
