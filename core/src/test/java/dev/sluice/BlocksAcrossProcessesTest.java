package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.BlockId;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.testkit.TemporarySluiceHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Several JVMs sharing one file block store: concurrent saves, a JVM killed mid-save, a key rotation while others read. */
class BlocksAcrossProcessesTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

    private Process start(String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-Dsluice.home=" + home.path(), "-Dsluice.history=off", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", classPath, BlocksChild.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectErrorStream(true);
        return pb.start();
    }

    private static String finish(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private void assertNoPlaintext() throws IOException {
        try (Stream<Path> files = Files.walk(home.path())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain("fake-password").doesNotContain("fake-token").doesNotContain("fake-bearer");
            }
        }
    }

    @Test
    void twoProgramsSavingSecretsIntoAnEmptyHomeAtOnceShareOneMasterKey() throws Exception {
        Process a = start("save", "a", "15");
        Process b = start("save", "b", "15");
        String outA = finish(a);
        String outB = finish(b);

        assertThat(outA).contains("DONE=15").doesNotContain("ERROR");
        assertThat(outB).contains("DONE=15").doesNotContain("ERROR");
        Blocks.registerType(BlocksChild.ChildCredentials.class);
        assertThat(Blocks.list()).hasSize(30);
        for (BlockId id : Blocks.list()) {
            assertThat(Blocks.load(BlocksChild.ChildCredentials.class, id.name()).password())
                    .isEqualTo(Secret.of("fake-password-" + id.name()));
        }
        assertNoPlaintext();
    }

    @Test
    void ofProgramsSavingOneNewNameAtOnceExactlyOneSucceeds() throws Exception {
        List<Process> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(start("once", "shared"));
        }
        List<String> outs = new ArrayList<>();
        for (Process p : all) {
            outs.add(finish(p));
        }
        assertThat(outs.stream().filter(o -> o.contains("RESULT=SAVED")).count()).as(outs.toString()).isEqualTo(1);
        assertThat(outs.stream().filter(o -> o.contains("RESULT=EXISTS")).count()).as(outs.toString()).isEqualTo(2);
    }

    @Test
    void aProgramKilledWhileSavingLeavesTheBlockReadable() throws Exception {
        Process p = start("loop", "busy");
        try {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("SAVING")) {
                // log lines before the first save
            }
            assertThat(line).isEqualTo("SAVING");
            Thread.sleep(300);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Blocks.registerType(BlocksChild.ChildCredentials.class);
        assertThat(Blocks.list()).extracting(BlockId::name).containsExactly("busy");
        assertThat(Blocks.load(BlocksChild.ChildCredentials.class, "busy").user()).startsWith("user-busy-");
        Blocks.save("busy", BlocksChild.block("after", 1), true);
        assertThat(Blocks.load(BlocksChild.ChildCredentials.class, "busy").user()).isEqualTo("user-after");
        assertNoPlaintext();
    }

    @Test
    void aProgramReadingWhileAnotherRotatesTheMasterKeyNeverFails() throws Exception {
        Blocks.registerType(BlocksChild.ChildCredentials.class);
        for (int i = 0; i < 20; i++) {
            Blocks.save("r-" + i, BlocksChild.block("r-" + i, 10));
        }
        Path stop = home.path().resolve("stop");
        Process reader = start("read", stop.toString());
        try {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(reader.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("READING")) {
                // log lines before the first round of loads
            }
            assertThat(line).isEqualTo("READING");
            for (int i = 0; i < 15; i++) {
                Blocks.rotateMasterKey();
            }
            Files.writeString(stop, "stop");
            StringBuilder rest = new StringBuilder();
            for (String l; (l = in.readLine()) != null; ) {
                if (!l.equals("READING")) {
                    rest.append(l).append('\n');
                }
            }
            assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(rest.toString()).contains("ERRORS=0").doesNotContain("ERROR=");
        } finally {
            reader.destroyForcibly();
        }
        for (int i = 0; i < 20; i++) {
            assertThat(Blocks.load(BlocksChild.ChildCredentials.class, "r-" + i).password())
                    .isEqualTo(Secret.of("fake-password-r-" + i));
        }
        assertNoPlaintext();
    }
}
