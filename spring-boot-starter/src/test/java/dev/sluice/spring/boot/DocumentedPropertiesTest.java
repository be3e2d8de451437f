package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code sluice.*} Spring properties the README, {@code docs/spring-boot.md} and the sample application's
 * {@code application.properties} name are the starter's own (its configuration metadata), and the guide's table
 * lists every one with the default the starter has.
 */
class DocumentedPropertiesTest {
    /** A Spring property of the starter: sluice.x or sluice.x.y, not a system property ({@code -Dsluice...}) or a meter. */
    private static final Pattern PROPERTY = Pattern.compile(
            "(?<![-\\w.])sluice\\.(?:home|replace-default-runtime|blocks|history|worker|server|metrics|health)(?:\\.[a-z][a-z-]*)*");
    private static final Set<String> METERS = Set.of("sluice.history.records", "sluice.history.queue", "sluice.history.write");

    private Map<String, JsonNode> metadata;

    private static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    @BeforeEach
    void readMetadata() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new LinkedHashMap<>();
            new ObjectMapper().readTree(in).get("properties").forEach(p -> metadata.put(p.get("name").asText(), p));
        }
    }

    @Test
    void everySluicePropertyTheDocsNameIsOneOfTheStarters() throws IOException {
        Set<String> unknown = new LinkedHashSet<>();
        Set<String> named = new LinkedHashSet<>();
        for (String file : List.of("README.md", "docs/spring-boot.md", "examples/spring-boot/src/main/resources/application.properties")) {
            Matcher m = PROPERTY.matcher(Files.readString(root().resolve(file)));
            while (m.find()) {
                String name = m.group();
                named.add(name);
                if (!metadata.containsKey(name) && METERS.stream().noneMatch(name::startsWith)) {
                    unknown.add(file + ": " + name);
                }
            }
        }
        assertThat(named).as("properties named").hasSizeGreaterThan(10);
        assertThat(unknown).as("sluice.* properties the starter does not have (%s)", metadata.keySet()).isEmpty();
    }

    @Test
    void theGuidesTableListsEveryPropertyWithItsDefault() throws IOException {
        String guide = Files.readString(root().resolve("docs/spring-boot.md"));
        String table = guide.substring(guide.indexOf("| property | default | what |"));
        Map<String, String> documented = new LinkedHashMap<>();
        for (String row : table.lines().skip(2).takeWhile(l -> l.startsWith("|")).toList()) {
            String[] cells = row.split("\\|");
            List<String> names = codes(cells[1]);
            List<String> defaults = codes(cells[2]);
            String first = names.get(0);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i).startsWith(".") ? first.substring(0, first.lastIndexOf('.')) + names.get(i) : names.get(i);
                documented.put(name, names.size() == defaults.size() ? defaults.get(i) : String.join(", ", defaults));
            }
        }
        assertThat(documented.keySet()).as("the properties of docs/spring-boot.md's table").containsExactlyInAnyOrderElementsOf(metadata.keySet());
        List<String> wrong = new ArrayList<>();
        metadata.forEach((name, p) -> {
            if (p.has("defaultValue") && !p.get("defaultValue").asText().equals(documented.get(name))) {
                wrong.add(name + ": documented " + documented.get(name) + ", the starter's default is " + p.get("defaultValue").asText());
            }
        });
        assertThat(wrong).isEmpty();
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }
}
