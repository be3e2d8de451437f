package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void tasksOfEveryArity() throws Exception {
        Task0<String> zero = Task.of("zero", () -> "z");
        Task<Integer, Integer> one = Task.of("one", (Integer a) -> a + 1);
        Task2<Integer, Integer, Integer> two = Task.of("two", (Integer a, Integer b) -> a * b);
        Task3<String, String, String, String> three = Task.of("three", (String a, String b, String c) -> a + b + c);

        assertThat(zero.run()).isEqualTo("z");
        assertThat(one.run(41)).isEqualTo(42);
        assertThat(two.run(6, 7)).isEqualTo(42);
        assertThat(three.run("a", "b", "c")).isEqualTo("abc");
        assertThat(two.submit(2, 3).join()).isEqualTo(6);
        assertThat(three.submit("x", "y", "z").join()).isEqualTo("xyz");
        assertThat(zero.submit().join()).isEqualTo("z");
    }

    @Test
    void aTaskOutsideAFlowIsStillRecordedAsATaskRun() {
        Task<String, Integer> length = Task.of("length", (String s) -> s.length()).withTags("unit");
        assertThat(length.run("four")).isEqualTo(4);
        TaskRun run = SluiceRuntime.current().recentRuns().runs().stream()
                .filter(r -> r instanceof TaskRun && r.definitionName().equals("length"))
                .map(TaskRun.class::cast)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(run.state()).isEqualTo(State.COMPLETED);
        assertThat(run.flowRunId()).isEmpty();
        assertThat(run.parameters()).isEqualTo(Map.of("arg0", "four"));
        assertThat(run.tags()).containsExactly("unit");
        assertThat(run.startTime()).isPresent();
        assertThat(run.endTime()).isPresent();
    }

    @Test
    void checkedExceptionsKeepTheirCauseAndStack() {
        Task0<Object> t = Task.of("io", () -> {
            throw new IOException("disk on fire", new IllegalStateException("root"));
        });
        assertThatThrownBy(t::run)
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> {
                    TaskFailedException tfe = (TaskFailedException) e;
                    assertThat(tfe.state()).isEqualTo(State.FAILED);
                    assertThat(tfe.getCause()).isInstanceOf(IOException.class);
                    assertThat(tfe.getCause().getCause()).hasMessage("root");
                    assertThat(tfe.getCause().getStackTrace()[0].getClassName()).startsWith(TaskTest.class.getName());
                    assertThat(tfe.run().error()).hasValueSatisfying(err -> {
                        assertThat(err.type()).isEqualTo("java.io.IOException");
                        assertThat(err.message()).isEqualTo("disk on fire");
                        assertThat(err.stackTrace()).contains("TaskTest").contains("Caused by: java.lang.IllegalStateException: root");
                    });
                });
    }

    @Test
    void tasksAreImmutable() {
        Task<String, String> base = Task.of("base", (String s) -> s);
        Task<String, String> tuned = base.withRetries(5, Duration.ofSeconds(1)).withTags("x").withVersion("2");
        assertThat(base.retryPolicy().maxRetries()).isZero();
        assertThat(base.tags()).isEmpty();
        assertThat(base.version()).isEmpty();
        assertThat(tuned.retryPolicy().maxRetries()).isEqualTo(5);
        assertThat(tuned.tags()).containsExactly("x");
        assertThat(tuned.version()).contains("2");
        assertThat(tuned.name()).isEqualTo("base");
    }

    @Test
    void badDefinitionsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> Task.of(null, () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("task name must not be null");
        assertThatThrownBy(() -> Task.of("  ", () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("task name must not be blank");
        assertThatThrownBy(() -> Flow.of("", () -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow name must not be blank");
        // names go into log lines, the history, the dashboard and the CLI's tables: no line breaks or escapes
        assertThatThrownBy(() -> Task.of("load\nINFO forged line", () -> 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task name must not contain a control character (a line break, a tab, an escape), was 'load\\u000aINFO forged line'");
        assertThatThrownBy(() -> Flow.named("etl\u001b[31m").of(() -> 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow name must not contain a control character");
        assertThat(Task.of("load \u00fcber caf\u00e9 \ud83d\ude80", () -> 1).name()).isEqualTo("load \u00fcber caf\u00e9 \ud83d\ude80");
        Task0<Integer> t = Task.of("t", () -> 1);
        assertThatThrownBy(() -> t.withRetries(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retries must be >= 0, was -1");
        assertThatThrownBy(() -> t.withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be positive, was PT0S");
        assertThatThrownBy(() -> t.withTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> t.withTags("ok", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tags");
        assertThatThrownBy(() -> Flow.of("f", () -> 1).withMaxConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxConcurrency must be >= 1, was 0");
        Task<String, String> unnamed = Task.of("load", (String table) -> table).withRunName("load-{table}");
        assertThatThrownBy(() -> unnamed.run("orders"))
                .as("checked at the call, so withRunName and withParameterNames may come in any order")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names parameter 'table'").hasMessageContaining("withParameterNames");
        assertThatThrownBy(() -> Task.of("load", (String table) -> table).withParameterNames("a", "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameterNames");
    }

    @Test
    void runNamesComeFromTheTemplate() {
        Task<String, String> load = Task.of("load", (String table) -> table)
                .withParameterNames("table").withRunName("load-{table}");
        FlowRun<String> run = Flow.of("f", (String t) -> load.run(t)).runForState("orders");
        TaskRun task = run.taskRuns().get(0);
        assertThat(task.name()).isEqualTo("load-orders");
        assertThat(task.parameters()).containsEntry("table", "orders");
        assertThat(run.name()).startsWith("f-");
    }

    @Test
    void aRunNameIsCappedAt200CharactersMaskedFirstAndNeverCutInsideACharacter() {
        String secret = "rn-s3cr3t-" + "0123456789abcdef";
        dev.sluice.block.Secret.of(secret).reveal(); // now known to the masker
        Flow<String, Integer> flow = Flow.of("load", (String table) -> table.length())
                .withParameterNames("table").withRunName("load-{table}");
        Task<String, Integer> task = Task.of("count", (String table) -> table.length())
                .withParameterNames("table").withRunName("count-{table}");

        FlowRun<Integer> huge = flow.runForState("x".repeat(1_000_000));
        assertThat(huge.name()).hasSizeLessThanOrEqualTo(200).startsWith("load-xxxx").endsWith("…");
        assertThat(huge.result()).isEqualTo(1_000_000);

        for (int at = 180; at < 200; at++) { // an emoji, a flag and a letter with its accent across the cut
            String name = flow.runForState("a".repeat(at) + "😀🇨🇭e\u0301".repeat(10)).name();
            assertThat(name).hasSizeLessThanOrEqualTo(200).endsWith("…");
            String kept = name.substring(0, name.length() - 1);
            assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).as("cut at %d: %s", at, kept).isFalse();
            assertThat(kept).as("cut at %d", at).doesNotEndWith("e").doesNotEndWith("\uD83C\uDDE8");
        }

        for (int at = 170; at < 200; at++) { // the secret is masked before the cut, so no start of it is left
            String name = flow.runForState("y".repeat(at) + secret + "z".repeat(50)).name();
            assertThat(name).hasSizeLessThanOrEqualTo(200).doesNotContain("rn-s").doesNotContain("s3cr");
            TaskRun taskRun = Flow.of("f", (String t) -> task.run(t)).runForState("y".repeat(at) + secret).taskRuns().get(0);
            assertThat(taskRun.name()).hasSizeLessThanOrEqualTo(200).doesNotContain("rn-s").doesNotContain("s3cr");
        }
        assertThat(flow.runForState("short").name()).isEqualTo("load-short");
    }

    @Test
    void anErrorCrashesTheRunAndIsNotSwallowed() {
        Task0<Object> so = Task.of("deep", () -> {
            throw new StackOverflowError("simulated");
        });
        FlowRun<Object> run = Flow.of("crashing", () -> so.run()).runForState();
        assertThat(run.state()).isEqualTo(State.CRASHED);
        assertThat(run.taskRuns().get(0).state()).isEqualTo(State.CRASHED);
        assertThat(run.error()).hasValueSatisfying(e -> assertThat(e.type()).isEqualTo("java.lang.StackOverflowError"));
        assertThatThrownBy(() -> Flow.of("crashing", () -> so.run()).run())
                .isInstanceOf(StackOverflowError.class).hasMessage("simulated");
    }
}
