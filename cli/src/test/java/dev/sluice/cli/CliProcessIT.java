package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built command as a user runs it: {@code bin/sluice} over the jar the build made, as a real
 * process; and a secret typed at the prompt of {@code blocks create} through a pseudo-terminal
 * ({@code script}), which must not be echoed nor stored in plaintext.
 */
class CliProcessIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path LAUNCHER = ROOT.resolve("bin/sluice");

    @TempDir
    static Path home;
    static List<String> ids;

    @BeforeAll
    static void runSomeFlows() {
        ids = Histories.fill(home);
    }

    record Done(int code, String out) {
    }

    static Done sluice(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SLUICE_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SLUICE_DATABASE_URL");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Done(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void aPortInUseIsOneLineNamingTheOptionNotTheWebServersLog() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Done d = sluice("server", "start", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(d.code()).as(d.out()).isEqualTo(SluiceCli.FAILED);
            assertThat(d.out().strip()).isEqualTo("sluice: cannot start the server on 127.0.0.1:" + taken.getLocalPort()
                    + ": the port is in use (is another server running?); choose another with --port");
        }
    }

    @Test
    void namesOutsideAsciiSurviveThePosixLocaleOfAContainerOrCronJob(@TempDir Path own) throws Exception {
        String flow = "日報-café";
        try (dev.sluice.history.History history = dev.sluice.history.History.open(
                dev.sluice.history.HistoryDatabase.sqlite(own.resolve("sluice.db")));
                dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(own).recorder(history.recorder())
                        .withoutExtensions().build()) {
            runtime.runForState(dev.sluice.Flow.of(flow, (Integer n) -> n), 1);
            history.flush();
        }
        List<List<String>> ways = List.of(List.of(LAUNCHER.toString()), // the launcher, and the jar as java -jar would run it
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                        ROOT.resolve("cli/target/sluice.jar").toString(), "dev.sluice.cli.SluiceCli"));
        for (List<String> way : ways) {
            List<String> command = new ArrayList<>(way);
            command.addAll(way.size() == 1 ? List.of("runs", "ls", "--flow", flow, "--json") : List.of("runs", "ls", "--json"));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
            pb.environment().put("SLUICE_HOME", own.toString());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().remove("SLUICE_DATABASE_URL");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String json = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(command + ": " + json).isZero();
            com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            assertThat(doc.path("runs")).as(command + ": " + json).hasSize(1);
            assertThat(doc.path("runs").get(0).path("flowName").asText()).as(String.join(" ", way)).isEqualTo(flow);
        }
    }

    /**
     * A container image that sets {@code LANG=en_US.UTF-8} without generating that locale runs in the C locale
     * all the same (the C library cannot set it), so Java read the arguments as ASCII: the launcher looked only at
     * the variables' text and let a name outside ASCII reach the command as replacement characters.
     */
    @Test
    void namesOutsideAsciiSurviveALocaleThatIsNamedButNotInstalled(@TempDir Path own) throws Exception {
        String flow = "日報-café";
        try (dev.sluice.history.History history = dev.sluice.history.History.open(
                dev.sluice.history.HistoryDatabase.sqlite(own.resolve("sluice.db")));
                dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.builder().home(own).recorder(history.recorder())
                        .withoutExtensions().build()) {
            runtime.runForState(dev.sluice.Flow.of(flow, (Integer n) -> n), 1);
            history.flush();
        }
        for (String variable : List.of("LANG", "LC_ALL", "LC_CTYPE")) {
            ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "runs", "ls", "--flow", flow, "--json");
            pb.environment().keySet().removeIf(k -> k.equals("LANG") || k.startsWith("LC_"));
            pb.environment().put(variable, "xx_XX.UTF-8"); // named, never installed anywhere
            pb.environment().put("SLUICE_HOME", own.toString());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().remove("SLUICE_DATABASE_URL");
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            String json = new String(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(variable + ": " + json).isZero();
            com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
            assertThat(doc.path("runs")).as(variable + ": " + json).hasSize(1);
            assertThat(doc.path("runs").get(0).path("flowName").asText()).as(variable).isEqualTo(flow);
        }
    }

    @Test
    void theLauncherRunsTheBuiltJar() throws Exception {
        assertThat(Files.isRegularFile(ROOT.resolve("cli/target/sluice.jar"))).as("the build made the runnable jar").isTrue();
        Done version = sluice("version");
        assertThat(version.code()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("sluice 0.1.0");

        Done ls = sluice("runs", "ls", "--state", "FAILED", "--json");
        assertThat(ls.code()).as(ls.out()).isZero();
        assertThat(ls.out()).contains(ids.get(3)).doesNotContain(ids.get(0)).doesNotContain("INFO");

        Done again = sluice("runs", "ls");
        assertThat(again.out()).contains(ids.get(0), ids.get(3));
        assertThat(sluice("runs", "show", "nope").code()).isEqualTo(SluiceCli.NOT_FOUND);
        assertThat(sluice("runs", "nope").code()).isEqualTo(SluiceCli.USAGE);
    }

    @Test
    void aSecretTypedAtThePromptIsNeitherEchoedNorStoredInPlaintext() throws Exception {
        String secret = "pw-typed-in-a-pty-5e1d";
        Path blocks = home.resolve("pty-home");
        String command = "SLUICE_HOME=" + blocks + " SLUICE_CLASSPATH=" + ROOT.resolve("cli/target/test-classes")
                + " JAVA_HOME=" + System.getProperty("java.home") + " " + LAUNCHER + " blocks create test-login pty-login";
        Process p = new ProcessBuilder("script", "-q", "-e", "-c", command, "/dev/null").redirectErrorStream(true).start();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), seen));
        reader.start();
        OutputStream keys = p.getOutputStream();
        try {
            answer(seen, "user (String): ", keys, "ann");
            answer(seen, "password (Secret, secret: not shown): ", keys, secret);
            answer(seen, "port (int, Enter for 0): ", keys, "2222");
            answer(seen, "optional: Enter to skip): ", keys, "");
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            reader.join(5_000);
        } finally {
            p.destroyForcibly();
        }
        String screen = text(seen);
        assertThat(p.exitValue()).as(screen).isZero();
        assertThat(screen).contains("Saved block test-login/pty-login").contains("ann").as("typed, but not echoed").doesNotContain(secret);

        try (Stream<Path> files = Files.walk(blocks)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertThat(all).isNotEmpty();
            for (Path f : all) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(secret);
            }
        }
        Done show = new Done(0, "");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "blocks", "show", "pty-login").redirectErrorStream(true);
        pb.environment().put("SLUICE_HOME", blocks.toString());
        pb.environment().put("SLUICE_CLASSPATH", ROOT.resolve("cli/target/test-classes").toString());
        Process s = pb.start();
        String shown = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(s.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(shown).as(show.out()).contains("2222", "**********").doesNotContain(secret);
    }

    private static void answer(ByteArrayOutputStream seen, String prompt, OutputStream keys, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int from = 0;
        while (!text(seen).contains(prompt)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no prompt '" + prompt + "' within 120 s; the screen shows: " + text(seen));
            }
            Thread.sleep(50);
        }
        keys.write((text + "\r").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        // wait until the prompt has been answered (the next output arrives), so the next wait sees a new prompt
        String after = text(seen);
        int at = after.lastIndexOf(prompt) + prompt.length();
        while (text(seen).length() <= at && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static String text(ByteArrayOutputStream seen) {
        synchronized (seen) {
            return seen.toString(StandardCharsets.UTF_8);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream to) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (to) {
                    to.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
