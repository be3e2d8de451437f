package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.internal.Masker;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.sluice.testkit.TestRuntimes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingTest {
    private final List<LogLine> recorded = new CopyOnWriteArrayList<>();
    private final List<StateChange> changes = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent e) {
            e.prepareForDeferredProcessing(); // capture the MDC as it was at logging time
            super.append(e);
        }
    };

    @BeforeEach
    void installRecorder() {
        appender.start();
        ((Logger) LoggerFactory.getLogger("sluice")).addAppender(appender);
        TestRuntimes.use(b -> b.recorder(new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
                changes.add(change);
            }

            @Override
            public void logged(Run run, LogLine line) {
                recorded.add(line);
            }
        }));
    }

    @AfterEach
    void restoreRecorder() {
        ((Logger) LoggerFactory.getLogger("sluice")).detachAppender(appender);
        TestRuntimes.reset();
    }

    @Test
    void linesAreKeptWithTheRunAndTaggedWithRunIds() {
        List<String> mdc = new CopyOnWriteArrayList<>();
        Task<String, String> greet = Task.of("greet", (String who) -> {
            RunContext.logger().info("hello {}", who);
            mdc.add(MDC.get("sluice.flowRunId") + "/" + MDC.get("sluice.taskRunId"));
            return who;
        });
        FlowRun<String> run = Flow.of("logging", (String who) -> {
            RunContext.logger().info("starting for {}", who);
            return greet.run(who);
        }).runForState("world");

        TaskRun task = run.taskRuns().get(0);
        assertThat(task.logs()).singleElement().satisfies(l -> {
            assertThat(l.message()).isEqualTo("hello world");
            assertThat(l.level()).isEqualTo("INFO");
            assertThat(l.taskRunId()).isEqualTo(task.id());
            assertThat(l.flowRunId()).isEqualTo(run.id());
            assertThat(l.logger()).isEqualTo("sluice.task.greet");
        });
        assertThat(run.logs()).extracting(LogLine::message).containsExactly("starting for world", "hello world");
        assertThat(mdc).containsExactly(run.id() + "/" + task.id());
        assertThat(recorded).extracting(LogLine::message).containsExactly("starting for world", "hello world");
        assertThat(changes).extracting(StateChange::state).contains(State.PENDING, State.RUNNING, State.COMPLETED);
        assertThat(MDC.get("sluice.flowRunId")).as("MDC restored after the run").isNull();
        assertThat(appender.list).filteredOn(e -> e.getFormattedMessage().equals("hello world")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getMDCPropertyMap()).containsEntry("sluice.flowRunId", run.id())
                            .containsEntry("sluice.taskRunId", task.id());
                    assertThat(e.getLoggerName()).isEqualTo("sluice.task.greet");
                });
    }

    @Test
    void outsideARunTheLoggerIsPlainAndDoesNotFail() {
        RunContext.logger().info("no run here");
        assertThat(RunContext.flowRun()).isEmpty();
        assertThat(RunContext.taskRun()).isEmpty();
        assertThat(recorded).isEmpty();
    }

    @Test
    void revealedSecretsAreMaskedInLinesAndErrors() {
        String password = "hunter2-s3cret";
        Masker.register(password);
        FlowRun<Object> run = Flow.of("leaky", () -> {
            RunContext.logger().info("connecting to jdbc:postgresql://db/app?password={}", password);
            RunContext.logger().warn("url-encoded: {}", java.net.URLEncoder.encode("p@ss word!", "UTF-8"));
            throw new IllegalStateException("login failed for password " + password);
        }).runForState();
        assertThat(run.logs()).extracting(LogLine::message).allSatisfy(m -> assertThat(m).doesNotContain(password));
        assertThat(run.logs().get(0).message()).contains("password=**********");
        assertThat(run.error().orElseThrow().message()).doesNotContain(password).contains("**********");
        assertThat(run.error().orElseThrow().stackTrace()).doesNotContain(password);
        assertThat(run.history()).allSatisfy(c -> assertThat(String.valueOf(c.message())).doesNotContain(password));
        assertThat(appender.list).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).doesNotContain(password);
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain(password);
            }
        });
    }

    @Test
    void debugLinesAreKeptOnlyWhenTheLoggerHasDebugOn() {
        FlowRun<String> run = Flow.of("quiet", () -> {
            RunContext.logger().debug("noise");
            RunContext.logger().info("signal");
            return "x";
        }).runForState();
        // logback-test.xml sets INFO
        assertThat(run.logs()).extracting(LogLine::message).containsExactly("signal");
    }

    /**
     * A run keeps a log line's message up to 32,768 characters and its stack trace up to 65,536: a 1 MB message (a
     * response body logged whole) does not stay in memory and in the history with every run. Masking comes first,
     * so a secret across the cut leaks no prefix; the application's own log gets the line whole.
     */
    @Test
    void aHugeLineIsCutAfterMaskingWhatTheRunKeeps() {
        String secret = dev.sluice.block.Secret.of("cut-secret-" + System.nanoTime()).reveal();
        String head = "x".repeat(32_768 - 5);
        String tail = "y".repeat(1_000_000);
        Throwable deep = new IllegalStateException("z".repeat(200_000));
        FlowRun<String> run = Flow.of("huge-line", () -> {
            RunContext.logger().error(head + secret + tail, deep);
            return "done";
        }).runForState();

        LogLine kept = run.logs().get(0);
        assertThat(kept.message()).hasSizeLessThan(32_768 + 60)
                .startsWith(head).doesNotContain(secret.substring(0, 5))
                .endsWith("more characters cut]");
        assertThat(kept.error()).hasSizeLessThan(65_536 + 60).endsWith("more characters cut]");
        assertThat(recorded).extracting(LogLine::message).containsExactly(kept.message());
        String whole = appender.list.stream().filter(e -> e.getLoggerName().equals("sluice.flow.huge-line"))
                .findFirst().orElseThrow().getFormattedMessage();
        assertThat(whole).hasSize(head.length() + 10 + tail.length()).doesNotContain(secret);
    }
}
