package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.sluice.testkit.TemporarySluiceHome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sluice's numeric system properties: a bad value is named, never a crash of every run. Each case is a JVM of its own. */
class SystemPropertiesTest {
    @RegisterExtension
    final TemporarySluiceHome home = new TemporarySluiceHome();

    /** Runs a flow of logging, submitted tasks and prints its state, or the error that stopped it. */
    public static final class Child {
        public static void main(String[] args) {
            try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions().build()) {
                Task<Integer, Integer> inc = Task.of("inc", (Integer x) -> {
                    org.slf4j.LoggerFactory.getLogger("child").info("inc {}", x);
                    return x + 1;
                });
                FlowRun<Integer> run = runtime.call(() -> Flow.of("props", () -> {
                    int sum = 0;
                    for (TaskFuture<Integer> f : inc.map(List.of(1, 2, 3))) {
                        sum += f.join();
                    }
                    return sum;
                }).runForState());
                System.out.println("STATE=" + run.state() + " TASKS=" + run.taskRunCount() + " RESULT="
                        + (run.state().isSuccess() ? run.result() : run.error().map(ErrorInfo::summary).orElse("")));
            } catch (RuntimeException e) {
                System.out.println("ERROR=" + e.getMessage());
            }
        }
    }

    private String run(String... properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Dsluice.home=" + home.path(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                Child.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        return out;
    }

    @Test
    void badMemoryLimitsAreNamedAndTheDefaultsUsed() throws Exception {
        String out = run("-Dsluice.maxTaskRunsPerFlowRun=0", "-Dsluice.maxLogLinesPerTaskRun=lots",
                "-Dsluice.maxLogLinesPerFlowRun=-5");
        assertThat(out).contains("STATE=COMPLETED TASKS=3 RESULT=9")
                .contains("the system property sluice.maxTaskRunsPerFlowRun must be a whole number from 1 to 10000000, was '0'")
                .contains("sluice.maxLogLinesPerTaskRun must be a whole number from 1 to 10000000, was 'lots'")
                .contains("sluice.maxLogLinesPerFlowRun must be a whole number from 1 to 10000000, was '-5'")
                .contains("using the default, 10000");
    }

    @Test
    void aWorkerThreadCountThatIsNoNumberIsNamedWhereThePoolIsUsed() throws Exception {
        String out = run("-Dsluice.workerThreads=abc");
        if (Runtime.version().feature() >= 21) {
            assertThat(out).as("virtual threads: the property is not read").contains("STATE=COMPLETED TASKS=3 RESULT=9");
        } else {
            assertThat(out).contains("ERROR=the system property sluice.workerThreads must be a whole number from 1 to 100000, was 'abc'");
        }
        assertThat(run("-Dsluice.workerThreads=2")).contains("STATE=COMPLETED TASKS=3 RESULT=9");
    }
}
