package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scale-out walkthrough, shortened: {@code examples/scale-out/run.sh} with {@code SCALE_OUT_SHORT=1}
 * against the jars this build made: a throwaway cluster of Debian's PostgreSQL where the package is installed
 * (the embedded one elsewhere), three worker JVMs, the dashboard, one worker
 * killed with kill -9 in the middle of its runs (marked CRASHED within 30 s), a backfill spread over the
 * others. The script checks each step and exits 1 when one is not as documented.
 */
class ScaleOutWalkthroughIT {
    @Test
    void theWalkthroughScriptRunsAndChecksEachStep() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path script = root.resolve("examples/scale-out/run.sh");
        assertThat(Files.isRegularFile(root.resolve("cli/target/sluice.jar"))).as("the command's jar is built before the examples").isTrue();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().put("SCALE_OUT_SHORT", "1");
        pb.environment().put("SCALE_OUT_NO_BUILD", "1");
        pb.environment().put("SCALE_OUT_PORT", "0");
        pb.environment().put("SCALE_OUT_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("SLUICE_DATABASE_URL");
        pb.redirectOutput(root.resolve("examples/target/scale-out-walkthrough.log").toFile());
        Process p = pb.start();
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String text = Files.readString(root.resolve("examples/target/scale-out-walkthrough.log"), StandardCharsets.UTF_8);
        assertThat(ended).as(text).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("kill -9", "CRASHED", "backfill runs per worker:", "Done: everything started here is stopped now")
                .containsPattern("marked CRASHED \\d+s after the kill");
        // the script picks Debian's PostgreSQL by itself where the package is installed, the embedded one elsewhere
        boolean debian;
        try (var dirs = Files.list(Path.of("/usr/lib/postgresql"))) {
            debian = dirs.anyMatch(d -> Files.isExecutable(d.resolve("bin/initdb")));
        } catch (java.io.IOException notInstalled) {
            debian = false;
        }
        assertThat(text).contains(debian ? "throwaway cluster of Debian's PostgreSQL" : "Starting an embedded PostgreSQL");
        // this run's own cluster (its folder is in the log): another checkout may run the walkthrough at the same time
        java.util.regex.Matcher folder = java.util.regex.Pattern.compile(" in (/\\S*sluice-scale-out\\.[^/\\s]+)/pg ").matcher(text);
        String own = folder.find() ? folder.group(1) : "sluice-scale-out";
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().command().orElse("").endsWith("/bin/postgres"))
                .filter(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(own)))
                .as("the script's PostgreSQL is stopped").isEmpty();
    }
}
