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
 * Every Java snippet in {@code docs/*.md} stands, line for line (indentation aside), in a source file the
 * build compiles: the examples (main and test code), the Spring Boot sample, or the starter's tests. So the
 * guides' code compiles too, and cannot drift; {@link ReadmeSnippetsTest} does the same for the README.
 */
class DocsSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final List<String> COMPILED = List.of("examples/src/main/java", "examples/src/test/java",
            "examples/spring-boot/src/main/java", "spring-boot-starter/src/test/java");

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    private static List<Path> docs() throws IOException {
        try (Stream<Path> files = Files.list(root().resolve("docs"))) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    private static String normalized(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    @Test
    void everyJavaSnippetInTheDocsIsCompiledCode() throws IOException {
        List<String> sources = new ArrayList<>();
        for (String folder : COMPILED) {
            try (Stream<Path> files = Files.walk(root().resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    sources.add(normalized(Files.readString(f)));
                }
            }
        }
        List<Path> docs = docs();
        int snippets = 0;
        List<String> missing = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = JAVA_BLOCK.matcher(Files.readString(doc));
            int inDoc = 0;
            while (m.find()) {
                snippets++;
                inDoc++;
                String snippet = normalized(m.group(1));
                if (sources.stream().noneMatch(source -> source.contains(snippet))) {
                    missing.add("Java snippet " + inDoc + " of docs/" + doc.getFileName() + ":\n" + m.group(1));
                }
            }
        }
        assertThat(missing).as("snippets not in %s", COMPILED).isEmpty();
        assertThat(snippets).as("java snippets in docs/*.md").isGreaterThanOrEqualTo(8);
    }

    @Test
    void everyRelativeLinkInTheDocsLeadsToAFile() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs()) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (!target.contains("://") && !target.startsWith("mailto:") && !Files.exists(doc.getParent().resolve(target))) {
                    broken.add("docs/" + doc.getFileName() + ": " + target);
                }
            }
        }
        assertThat(broken).as("links to files that do not exist (relative to docs/)").isEmpty();
    }

    /**
     * A build command the docs or the Javadoc give for part of the build ({@code -pl}) builds the modules it needs
     * too ({@code -am}): on a fresh clone no Sluice module is in the local repository (only sluice-core needs none).
     */
    @Test
    void everyPartialBuildCommandAlsoMakesWhatItNeeds() throws IOException {
        List<Path> texts = new ArrayList<>(docs());
        texts.add(root().resolve("benchmarks/README.md"));
        try (Stream<Path> files = Files.walk(root())) {
            files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")).forEach(texts::add);
        }
        Pattern partial = Pattern.compile("\\./mvnw [^&|;)`]*? -pl (?!core[\\s)`])[^&|;)`]*");
        List<String> wrong = new ArrayList<>();
        for (Path text : texts) {
            for (String line : Files.readAllLines(text)) {
                Matcher m = partial.matcher(line);
                while (m.find()) {
                    if (!m.group().contains(" -am") && !line.contains(" install ")) { // after an install of what it needs
                        wrong.add(root().relativize(text) + ": " + m.group());
                    }
                }
            }
        }
        assertThat(wrong).as("./mvnw -pl without -am").isEmpty();
    }
}
