package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code example in the public Javadoc of every module ({@code <pre>} blocks, with or without {@code {@code ...}},
 * and {@code {@snippet ...}}, in {@code src/main/java} outside {@code internal} packages) stands, line for line, in a
 * source file the build compiles: mostly {@code dev.sluice.examples.javadoc}, where each example sits in a method
 * that first declares what the fragment uses. So the Javadoc's examples compile, and cannot drift from the API;
 * {@link DocsSnippetsTest} and {@link ReadmeSnippetsTest} do the same for the guides and the README.
 *
 * <p>An example is compared as the reader sees it: the leading {@code  * } of each comment line dropped, indentation
 * and blank lines ignored, the text of a {@code {@code ...}} block taken literally (Javadoc shows it so), and in a
 * plain {@code <pre>} the HTML entities ({@code &#64;}, {@code &lt;}, ...) decoded and inline tags
 * ({@code {@literal ...}}, {@code {@code ...}}, {@code {@link ...}}) replaced by their text. An example whose parts are
 * separated by a blank line (a declaration, then its use) may have its parts apart, in order, in one file.
 *
 * <p>An example that is not Java is skipped only by the narrow rules of {@link Kind}: shell commands and option
 * tables, JSON that parses, SQL statements, properties, cron lines.
 */
class JavadocExamplesTest {
    private static final List<String> COMPILED = List.of("examples/src/main/java", "examples/src/test/java",
            "examples/spring-boot/src/main/java", "spring-boot-starter/src/test/java");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One code example of the Javadoc: where it is, and its text as the reader sees it. */
    record Example(String where, String text) {
        List<List<String>> parts() {
            List<List<String>> parts = new ArrayList<>();
            List<String> part = new ArrayList<>();
            for (String line : text.lines().map(String::strip).toList()) {
                if (line.isEmpty()) {
                    if (!part.isEmpty()) {
                        parts.add(part);
                        part = new ArrayList<>();
                    }
                } else {
                    part.add(line);
                }
            }
            if (!part.isEmpty()) {
                parts.add(part);
            }
            return parts;
        }
    }

    /** What an example is written in; everything the rules below do not recognize is Java. */
    enum Kind {
        JAVA,
        /** The first line is a command ({@code ./mvnw}, {@code mvn}, {@code java}, {@code curl}, {@code sluice},
         *  {@code $ ...}) or an option ({@code --name}), and no line ends a Java statement with {@code ;}. */
        SHELL,
        /** The whole text parses as a JSON object or array. */
        JSON,
        /** The first line starts with an SQL statement keyword followed by a word (not {@code (}, {@code =}, {@code .}). */
        SQL,
        /** Every line is {@code key=value} (no space before {@code =}, no {@code ;}, no {@code (}) or a {@code #} comment. */
        PROPERTIES,
        /** Every line is five or six cron fields. */
        CRON;

        private static final Pattern COMMAND = Pattern.compile("^(\\./mvnw|mvn|java|curl|sluice|\\$)\\s.*|^--[a-z].*");
        private static final Pattern SQL_START = Pattern.compile(
                "^(?i)(select|insert\\s+into|update|delete\\s+from|create|alter|drop|with)\\s+[^\\s(=.]+.*");
        private static final Pattern PROPERTY = Pattern.compile("^(#.*|[A-Za-z_][\\w.-]*=[^;(]*)$");
        private static final Pattern CRON_LINE = Pattern.compile("^[0-9*?/,LW#A-Z-]+( [0-9*?/,LW#A-Z-]+){4,5}$");

        static Kind of(String text) {
            List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            if (lines.isEmpty()) {
                return JAVA;
            }
            if (COMMAND.matcher(lines.get(0)).matches() && lines.stream().noneMatch(l -> l.endsWith(";"))) {
                return SHELL;
            }
            if (isJson(text)) {
                return JSON;
            }
            if (SQL_START.matcher(lines.get(0)).matches()) {
                return SQL;
            }
            if (lines.stream().allMatch(l -> PROPERTY.matcher(l).matches())) {
                return PROPERTIES;
            }
            if (lines.stream().allMatch(l -> CRON_LINE.matcher(l).matches())) {
                return CRON;
            }
            return JAVA;
        }

        private static boolean isJson(String text) {
            String t = text.strip();
            if (!t.startsWith("{") && !t.startsWith("[")) {
                return false;
            }
            try {
                JsonNode node = MAPPER.readTree(t);
                return node != null && node.isContainerNode();
            } catch (IOException notJson) {
                return false;
            }
        }
    }

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("README.md")) ? here : here.getParent();
    }

    /** Every {@code src/main/java} of the build, in every module (also nested ones), without {@code internal} packages. */
    static List<Path> publicSources() throws IOException {
        try (Stream<Path> files = Files.walk(root())) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> root().relativize(p).toString().replace('\\', '/').matches("(.+/)?src/main/java/.+"))
                    .filter(p -> !root().relativize(p).toString().replace('\\', '/').matches(".*(^|/)(target|\\.[^/]+)/.*"))
                    .filter(p -> !p.toString().replace('\\', '/').matches(".*/internal(/.*)?/[^/]+\\.java"))
                    .sorted().toList();
        }
    }

    private static final Pattern DOC_COMMENT = Pattern.compile("/\\*\\*(.*?)\\*/", Pattern.DOTALL);
    private static final Pattern PRE = Pattern.compile("<pre>(.*?)</pre>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern SNIPPET = Pattern.compile("\\{@snippet[^:}]*:");

    /** The code examples of one source file, as Javadoc shows them. */
    static List<Example> examples(Path file) throws IOException {
        String source = Files.readString(file);
        List<Example> found = new ArrayList<>();
        Matcher comment = DOC_COMMENT.matcher(source);
        while (comment.find()) {
            String body = comment.group(1).lines().map(l -> l.replaceFirst("^\\s*\\*", "")).reduce((a, b) -> a + "\n" + b).orElse("");
            int firstLine = lineOf(source, comment.start());
            Matcher pre = PRE.matcher(body);
            while (pre.find()) {
                String where = root().relativize(file) + ":" + (firstLine + lineOf(body, pre.start()) - 1);
                String inner = pre.group(1);
                String stripped = inner.strip();
                if (stripped.startsWith("{@code")) {
                    int open = inner.indexOf("{@code");
                    int close = matchingBrace(inner, open);
                    if (close < 0 || !inner.substring(close + 1).isBlank()) {
                        found.add(new Example(where, "<malformed: {@code ...} does not close right before </pre>>"));
                    } else {
                        found.add(new Example(where, inner.substring(open + "{@code".length(), close)));
                    }
                } else if (!stripped.startsWith("{@snippet")) {
                    found.add(new Example(where, html(inner)));
                }
            }
            Matcher snippet = SNIPPET.matcher(body);
            while (snippet.find()) {
                String where = root().relativize(file) + ":" + (firstLine + lineOf(body, snippet.start()) - 1);
                int close = matchingBrace(body, snippet.start());
                found.add(new Example(where, close < 0 ? "<malformed: {@snippet ...} does not close>"
                        : body.substring(snippet.end(), close)));
            }
        }
        return found;
    }

    private static int lineOf(String text, int index) {
        return (int) text.substring(0, index).chars().filter(c -> c == '\n').count() + 1;
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static final Pattern INLINE_TAG = Pattern.compile("\\{@(literal|code|link|linkplain)\\s+([^{}]*)}");
    private static final Pattern ENTITY = Pattern.compile("&(#\\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos|nbsp);");

    /** The text a plain {@code <pre>} shows: inline tags replaced by their text, tags dropped, entities decoded. */
    static String html(String text) {
        Matcher tag = INLINE_TAG.matcher(text);
        StringBuilder out = new StringBuilder();
        while (tag.find()) {
            String value = tag.group(2);
            if (tag.group(1).startsWith("link")) {
                String[] referenceAndLabel = value.strip().split("\\s+", 2);
                value = referenceAndLabel.length == 2 ? referenceAndLabel[1] : referenceAndLabel[0].replace('#', '.');
            }
            tag.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        tag.appendTail(out);
        String untagged = out.toString().replaceAll("</?[a-zA-Z][^>]*>", "");
        Matcher entity = ENTITY.matcher(untagged);
        StringBuilder decoded = new StringBuilder();
        while (entity.find()) {
            String name = entity.group(1);
            String value = switch (name) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                case "apos" -> "'";
                case "nbsp" -> " ";
                default -> Character.toString(name.startsWith("#x") ? Integer.parseInt(name.substring(2), 16)
                        : Integer.parseInt(name.substring(1)));
            };
            entity.appendReplacement(decoded, Matcher.quoteReplacement(value));
        }
        entity.appendTail(decoded);
        return decoded.toString();
    }

    private static List<List<String>> compiledSources() throws IOException {
        List<List<String>> sources = new ArrayList<>();
        for (String folder : COMPILED) {
            try (Stream<Path> files = Files.walk(root().resolve(folder))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    sources.add(Files.readString(f).lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
                }
            }
        }
        return sources;
    }

    /** Whether the example's parts stand, in order and each line for line, in the source. */
    static boolean standsIn(List<String> source, List<List<String>> parts) {
        int from = 0;
        for (List<String> part : parts) {
            int at = indexOf(source, part, from);
            if (at < 0) {
                return false;
            }
            from = at + part.size();
        }
        return true;
    }

    private static int indexOf(List<String> source, List<String> part, int from) {
        for (int i = from; i + part.size() <= source.size(); i++) {
            if (source.subList(i, i + part.size()).equals(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void everyJavaExampleInTheJavadocIsCompiledCode() throws IOException {
        List<List<String>> sources = compiledSources();
        Map<Kind, Integer> counts = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Path file : publicSources()) {
            for (Example example : examples(file)) {
                Kind kind = Kind.of(example.text());
                counts.merge(kind, 1, Integer::sum);
                if (kind != Kind.JAVA) {
                    skipped.add(kind + " " + example.where());
                    continue;
                }
                List<List<String>> parts = example.parts();
                if (sources.stream().noneMatch(source -> standsIn(source, parts))) {
                    missing.add(example.where() + ":\n" + example.text().stripTrailing());
                }
            }
        }
        System.out.println("Javadoc examples: " + counts + "; skipped: " + skipped);
        assertThat(missing).as("Javadoc examples (%d Java examples checked) not standing line for line in %s",
                counts.getOrDefault(Kind.JAVA, 0), COMPILED).isEmpty();
        assertThat(counts.getOrDefault(Kind.JAVA, 0)).as("Java examples found in the Javadoc").isGreaterThanOrEqualTo(80);
    }

    /**
     * A statement that only calls {@code withX(...)} or {@code onX(...)} on a variable drops what it returns: Sluice's
     * values never change ({@code flow.onFailure(hook);} leaves {@code flow} without the hook), so such an example
     * compiles but does nothing. An example keeps the copy ({@code flow = flow.onFailure(hook);}).
     */
    private static final Pattern DROPPED_COPY = Pattern.compile("^[a-z]\\w*\\.(with[A-Z]\\w*|on[A-Z]\\w*)\\(.*");

    @Test
    void noJavaExampleDropsTheCopyAWithOrOnMethodReturns() throws IOException {
        List<String> dropped = new ArrayList<>();
        for (Path file : publicSources()) {
            for (Example example : examples(file)) {
                if (Kind.of(example.text()) == Kind.JAVA) {
                    example.text().lines().map(String::strip).filter(l -> DROPPED_COPY.matcher(l).matches())
                            .forEach(l -> dropped.add(example.where() + ": " + l));
                }
            }
        }
        assertThat(dropped).as("example statements that drop the copy a withX/onX method returns").isEmpty();
        assertThat(DROPPED_COPY.matcher("flow.onFailure(Notify.via(new LogNotifier()));").matches()).isTrue();
        assertThat(DROPPED_COPY.matcher("flow = flow.onFailure(Notify.via(new LogNotifier()));").matches()).isFalse();
        assertThat(DROPPED_COPY.matcher(".onFailure(Notify.via(alerts));").matches()).isFalse();
    }

    /** A statement that starts with a call on a type ({@code RetryPolicy.exponential(...)}), its first line. */
    private static final Pattern CALL_ON_TYPE = Pattern.compile("^([A-Z]\\w*)\\.([a-z]\\w*)\\(.*");

    /**
     * A statement that starts with a call on a public Sluice type and whose whole chain returns a value drops it:
     * {@code RetryPolicy.exponential(...).withJitter(0.3);} builds a policy nobody can use, and
     * {@code History.builder(db)...open();} opens a history nobody closes. An example keeps the value (assigns it,
     * returns it, or opens it in try-with-resources). The chain's type is followed by reflection, call by call; a
     * call whose overloads disagree on their return type ends the check for that statement.
     */
    @Test
    void noJavaExampleDropsTheValueACallOnASluiceTypeReturns() throws IOException {
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Path file : publicSources()) {
            String rel = root().relativize(file).toString().replace('\\', '/');
            String name = rel.replaceFirst("^(.+/)?src/main/java/", "").replaceFirst("\\.java$", "").replace('/', '.');
            String simple = name.substring(name.lastIndexOf('.') + 1);
            seen.merge(simple, 1, Integer::sum);
            types.put(simple, name);
        }
        seen.forEach((simple, n) -> {
            if (n > 1) {
                types.remove(simple); // ambiguous (Page, ...): not followed
            }
        });
        List<String> dropped = new ArrayList<>();
        for (Path file : publicSources()) {
            for (Example example : examples(file)) {
                if (Kind.of(example.text()) != Kind.JAVA) {
                    continue;
                }
                for (String statement : statements(example.text())) {
                    Matcher m = CALL_ON_TYPE.matcher(statement);
                    if (m.matches() && types.containsKey(m.group(1))) {
                        Class<?> result = chainType(types.get(m.group(1)), statement);
                        if (result != null && result != void.class) {
                            dropped.add(example.where() + ": " + statement + "   (drops a " + result.getSimpleName() + ")");
                        }
                    }
                }
            }
        }
        assertThat(dropped).as("example statements that drop the value a call on a Sluice type returns").isEmpty();
        assertThat(chainType("dev.sluice.RetryPolicy",
                "RetryPolicy.exponential(5, Duration.ofMillis(200), Duration.ofSeconds(10)).withJitter(0.3);"))
                .isEqualTo(dev.sluice.RetryPolicy.class);
        assertThat(chainType("dev.sluice.history.History", "History.builder(db).retention(r).open();"))
                .isEqualTo(dev.sluice.history.History.class);
        assertThat(chainType("dev.sluice.tasks.slack.SlackWebhook",
                "SlackWebhook.of(Secret.of(url)).notify(\"Nightly load finished: 1,204 rows\");")).isEqualTo(void.class);
    }

    /** The statements of an example that begin on a line of their own, each joined into one line. */
    private static List<String> statements(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = null;
        boolean atStart = true;
        for (String raw : text.lines().toList()) {
            String line = raw.replaceFirst("\\s+//.*$", "").strip();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            if (current == null && atStart) {
                current = new StringBuilder(line);
            } else if (current != null) {
                current.append(' ').append(line);
            }
            atStart = line.endsWith(";") || line.endsWith("{") || line.endsWith("}");
            if (current != null && line.endsWith(";")) {
                statements.add(current.toString());
                current = null;
            }
        }
        return statements;
    }

    /**
     * The type the call chain of {@code statement} ends with, following its calls at the top level from the static
     * call on {@code typeName}; null when it cannot be told (an unknown method, overloads returning different types).
     */
    private static Class<?> chainType(String typeName, String statement) {
        Class<?> type;
        try {
            type = Class.forName(typeName);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        List<String> calls = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < statement.length(); i++) {
            char c = statement.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (depth == 0 && c == '.') {
                Matcher call = Pattern.compile("^\\.([a-zA-Z]\\w*)\\(").matcher(statement.substring(i));
                if (!call.find()) {
                    return null; // a field or a nested type: not followed
                }
                calls.add(call.group(1));
            } else if (depth == 0 && (c == '=' || c == ':' || c == '?')) {
                return null; // not a plain call chain
            }
        }
        for (String name : calls) {
            Class<?> next = null;
            for (java.lang.reflect.Method method : type.getMethods()) {
                if (method.getName().equals(name)) {
                    if (next != null && next != method.getReturnType()) {
                        return null;
                    }
                    next = method.getReturnType();
                }
            }
            if (next == null) {
                return null;
            }
            type = next;
        }
        return type;
    }

    @Test
    void theRulesForExamplesThatAreNotJavaAreNarrow() {
        assertThat(Kind.of("./mvnw -B -q package -DskipTests\njava -cp x.jar Main [rounds]")).isEqualTo(Kind.SHELL);
        assertThat(Kind.of("--date 2026-11-20   the day\n  --regions north    regions\n      continued")).isEqualTo(Kind.SHELL);
        assertThat(Kind.of("{\"type\": \"object\", \"required\": [\"city\"]}")).isEqualTo(Kind.JSON);
        assertThat(Kind.of("select * from orders\nwhere status = 'open';")).isEqualTo(Kind.SQL);
        assertThat(Kind.of("sluice.history=off\n# a comment\nsluice.home=/srv/etl")).isEqualTo(Kind.PROPERTIES);
        assertThat(Kind.of("0 6 * * MON-FRI")).isEqualTo(Kind.CRON);

        assertThat(Kind.of("java.util.List<String> names = java.util.List.of(\"a\");")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("select(orders);")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("update = compute();")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("{ int x = 1; }")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("x = 1;")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("Schedule daily = Schedule.cron(\"0 6 * * *\", \"UTC\");")).isEqualTo(Kind.JAVA);
        assertThat(Kind.of("java -cp x.jar Main;\nSystem.exit(0);")).isEqualTo(Kind.JAVA);
    }

    @Test
    void anExampleIsReadAsJavadocShowsIt() throws IOException {
        Path file = Files.createTempFile("Example", ".java");
        try {
            Files.writeString(file, String.join("\n",
                    "/**",
                    " * <pre>{@code",
                    " * Map<String, List<Integer>> m = Map.of(\"a\", List.of(1)); // {braces} stay",
                    " * }</pre>",
                    " * <pre>",
                    " * &#64;BlockType(\"x\") List&lt;String&gt; {@literal a<b} {@code c&&d}",
                    " * </pre>",
                    " */",
                    "class Example {}"));
            List<Example> examples = examples(file);
            assertThat(examples).extracting(e -> e.text().strip()).containsExactly(
                    "Map<String, List<Integer>> m = Map.of(\"a\", List.of(1)); // {braces} stay",
                    "@BlockType(\"x\") List<String> a<b c&&d");
        } finally {
            Files.delete(file);
        }
    }
}
