package dev.sluice;

import dev.sluice.block.Secret;
import dev.sluice.notify.Notification;
import dev.sluice.notify.NotificationException;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NotifyTest {
    private final List<Notification> received = new CopyOnWriteArrayList<>();
    private final Notifier recording = received::add;

    private static Flow2<String, String, Integer> failingEtl(Task<String, Integer> load) {
        return Flow.of("daily-etl", (String city, String date) -> load.run(city))
                .withParameterNames("city", "date")
                .withRunName("etl-{city}");
    }

    private static Task<String, Integer> failingLoad() {
        return Task.of("load", (String city) -> {
            throw new IOException("connection refused by warehouse");
        });
    }

    @Test
    void aNotifierThatSaysRetryingCannotHelpIsCalledOnce() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Notifier gaveUp = n -> {
            calls.incrementAndGet();
            throw new NotificationException("webhook gave up after its own 4 attempts", null, false);
        };
        Notifier flaky = n -> {
            calls.incrementAndGet();
            throw new NotificationException("temporary");
        };
        Flow2<String, String, Integer> flow = failingEtl(failingLoad());
        flow.onFailure(Notify.via(gaveUp).withRetries(2, java.time.Duration.ZERO)).runForState("a", "b");
        assertThat(calls).hasValue(1);
        calls.set(0);
        flow.onFailure(Notify.via(flaky).withRetries(2, java.time.Duration.ZERO)).runForState("a", "b");
        assertThat(calls).hasValue(3);
    }

    @Test
    void aNotifierWhoseBlockIsNotSavedIsCalledOnceNotRetried() {
        AtomicInteger calls = new AtomicInteger();
        // as an EmailNotifier.of("ops-smtp", ...) whose block was never saved (or a typo in its name): no retry helps
        Notifier unsaved = n -> {
            calls.incrementAndGet();
            dev.sluice.block.Blocks.load(dev.sluice.notify.LogNotifier.class, "ops-alerts").send(n);
        };
        try (SluiceRuntime runtime = SluiceRuntime.builder().withoutExtensions()
                .blockStore(dev.sluice.block.BlockStore.inMemory()).build()) {
            FlowRun<?> run = runtime.call(() -> failingEtl(failingLoad())
                    .onFailure(Notify.via(unsaved).withRetries(2, Duration.ofMillis(1))).runForState("a", "b"));
            assertThat(run.state()).isEqualTo(State.FAILED);
            assertThat(calls).hasValue(1);
            assertThat(run.logs()).anySatisfy(line -> assertThat(line.message()).contains("failed after 1 attempt"));
        }
    }

    @Test
    void theDefaultMessageNamesFlowRunStateFailedTaskErrorDurationAndParameters() {
        FlowRun<Integer> run = failingEtl(failingLoad())
                .onFailure(Notify.via(recording).withRetries(0, Duration.ZERO))
                .runForState("Boston", "2026-11-21");
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(received).hasSize(1);
        Notification n = received.get(0);
        assertThat(n.severity()).isEqualTo(Severity.ERROR);
        assertThat(n.subject()).isEqualTo("[Sluice] flow 'daily-etl' FAILED (run 'etl-Boston')");
        assertThat(n.body())
                .contains("Flow 'daily-etl' run 'etl-Boston' (id " + run.id() + ") ended FAILED after ")
                .contains("Failed task: 'load' (run 'load-0') FAILED after 1 attempt")
                .contains("Error: java.io.IOException: connection refused by warehouse")
                .contains("Parameters: city=Boston, date=2026-11-21");
        assertThat(n.fields()).containsEntry("flow", "daily-etl").containsEntry("run", "etl-Boston")
                .containsEntry("run id", run.id()).containsEntry("state", "FAILED")
                .containsEntry("error type", "java.io.IOException")
                .containsEntry("error", "connection refused by warehouse")
                .containsEntry("parameters", "city=Boston, date=2026-11-21")
                .containsKeys("failed task", "duration");
    }

    @Test
    void notificationsLinkToTheFlowRunsPageInTheDashboardWhenOneIsGiven() {
        Notify notify = Notify.via(recording).withRetries(0, Duration.ZERO).withDashboard("https://sluice.example.com/ops");
        FlowRun<Integer> run = failingEtl(failingLoad().onFailure(notify)).onFailure(notify).runForState("Lima", "d");
        String link = "https://sluice.example.com/ops/runs/" + run.id();
        assertThat(received).hasSize(2).allSatisfy(n -> {
            assertThat(n.fields()).as("the task's notification links to its flow run's page too").containsEntry("link", link);
            assertThat(n.body()).contains("\nDashboard: " + link);
        });
        received.clear();
        failingEtl(failingLoad()).onFailure(Notify.via(recording).withRetries(0, Duration.ZERO).withTemplate("see {link}"))
                .runForState("Lima", "d");
        assertThat(received.get(0).body()).as("no dashboard given: an empty link").isEqualTo("see ");
        assertThat(received.get(0).fields()).doesNotContainKey("link");

        received.clear();
        try (SluiceRuntime rt = SluiceRuntime.builder().withoutExtensions()
                .environment(Map.of(Notify.DASHBOARD_VARIABLE, "http://127.0.0.1:4200")).build()) {
            FlowRun<Integer> viaEnv = rt.call(() -> failingEtl(failingLoad())
                    .onFailure(Notify.via(recording).withRetries(0, Duration.ZERO).withTemplate("see {link}")).runForState("Oslo", "d"));
            assertThat(received.get(0).body()).isEqualTo("see http://127.0.0.1:4200/runs/" + viaEnv.id());
        }
        for (String bad : List.of("sluice.example.com", "ftp://host/", "https://host/?q=1", "https://user:pw@host/", "http://")) {
            assertThatThrownBy(() -> notify.withDashboard(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("withDashboard");
        }
    }

    @Test
    void aTemplateReplacesTheText() {
        Notify notify = Notify.via(recording).withRetries(0, Duration.ZERO)
                .withSubject("{flow} is {state}")
                .withTemplate("{flow}/{run} {state}: {errorType} - {errorMessage} [{failedTask}] city={parameters}");
        failingEtl(failingLoad()).onFailure(notify).runForState("Oslo", "d");
        Notification n = received.get(0);
        assertThat(n.subject()).isEqualTo("daily-etl is FAILED");
        assertThat(n.body()).isEqualTo("daily-etl/etl-Oslo FAILED: java.io.IOException - connection refused by warehouse"
                + " ['load' (run 'load-0') FAILED after 1 attempt] city=city=Oslo, date=d");
        assertThatThrownBy(() -> Notify.via(recording).withTemplate("{flow} {nope}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{nope}").hasMessageContaining("runId");
    }

    @Test
    void aFailingNotifierIsRetriedAndTheOthersStillSend() {
        AtomicInteger calls = new AtomicInteger();
        Notifier flaky = n -> {
            if (calls.incrementAndGet() < 3) {
                throw new NotificationException("peer busy");
            }
            received.add(n);
        };
        failingEtl(failingLoad()).onFailure(Notify.via(flaky).withRetries(2, Duration.ZERO)).runForState("a", "b");
        assertThat(calls).hasValue(3);
        assertThat(received).hasSize(1);
    }

    @Test
    void aNotifierThatKeepsFailingIsLoggedWithTheRunAndChangesNothing() {
        AtomicInteger calls = new AtomicInteger();
        Notifier broken = n -> {
            calls.incrementAndGet();
            throw new NotificationException("webhook answered 500");
        };
        Flow2<String, String, Integer> flow = failingEtl(failingLoad())
                .onFailure(Notify.via(broken, recording).withRetries(1, Duration.ZERO));
        FlowRun<Integer> run = flow.runForState("a", "b");
        assertThat(calls).hasValue(2);
        assertThat(received).hasSize(1);
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.error().orElseThrow().message()).contains("connection refused by warehouse");
        assertThat(run.logs()).anySatisfy(line -> {
            assertThat(line.level()).isEqualTo("ERROR");
            assertThat(line.message()).contains("notification about flow run 'etl-a'").contains("failed after 2 attempts");
            assertThat(line.error()).contains("webhook answered 500");
        });
        assertThatThrownBy(() -> flow.run("a", "b")).isInstanceOf(FlowFailedException.class)
                .hasRootCauseInstanceOf(IOException.class);
    }

    @Test
    void raiseOnFailureMakesTheHookThrow() {
        Notifier broken = n -> {
            throw new NotificationException("smtp down");
        };
        Notify notify = Notify.via(broken).withRetries(0, Duration.ZERO).raiseOnFailure();
        FlowRun<Integer> run = failingEtl(failingLoad()).onFailure(notify).runForState("a", "b");
        assertThat(run.state()).isEqualTo(State.FAILED);
        assertThat(run.logs()).anySatisfy(line -> {
            assertThat(line.message()).contains("onFailure hook", "could not notify", "smtp down");
            assertThat(line.level()).as("louder than a hook that merely failed").isEqualTo("ERROR");
        });
        assertThatThrownBy(() -> notify.call(run))
                .isInstanceOf(NotificationException.class)
                .hasMessageContaining("notification about flow run 'etl-a' failed")
                .hasMessageContaining("smtp down");
    }

    @Test
    void onATaskTheMessageNamesTheTaskAndItsFlow() {
        Task<String, Integer> load = failingLoad().onFailure(Notify.via(recording).withRetries(0, Duration.ZERO));
        failingEtl(load).runForState("Rome", "d");
        Notification n = received.get(0);
        assertThat(n.subject()).isEqualTo("[Sluice] task 'load' FAILED (run 'load-0')");
        assertThat(n.body()).contains("Task 'load' run 'load-0'").contains("in flow 'daily-etl'")
                .contains("connection refused by warehouse");
        assertThat(n.fields()).containsEntry("flow", "daily-etl").containsEntry("task", "load");
    }

    @Test
    void aCompletedRunIsInfo() {
        Flow<String, Integer> ok = Flow.of("fine", (String s) -> s.length())
                .onCompletion(Notify.via(recording));
        ok.run("abc");
        assertThat(received.get(0).severity()).isEqualTo(Severity.INFO);
        assertThat(received.get(0).subject()).contains("COMPLETED");
        assertThat(received.get(0).fields()).doesNotContainKeys("error", "failed task");
    }

    @Test
    void parametersAreMasked() {
        String password = "pw-in-a-parameter-" + System.nanoTime();
        Secret secret = Secret.of(password);
        Flow2<Secret, String, Integer> flow = Flow.<Secret, String, Integer>of("with-secrets", (Secret s, String url) -> {
            throw new IllegalStateException("cannot open " + url);
        }).onFailure(Notify.via(recording).withRetries(0, Duration.ZERO));
        flow.runForState(secret, "jdbc:postgresql://etl:" + secret.reveal() + "@db/dw");
        Notification n = received.get(0);
        assertThat(n.text()).doesNotContain(password).contains("arg0=**********")
                .contains("jdbc:postgresql://etl:**********@db/dw");
    }

    @Test
    void viaNeedsANotifierAndBoundedRetries() {
        assertThatThrownBy(() -> Notify.via(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Notify.via(recording).withRetries(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retries");
        assertThatThrownBy(() -> Notify.via(recording).withRetries(1, Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    }

    @Test
    void aNotificationForARunThatGoesOnSaysItIsInItsStateNotThatItEnded() {
        Notify notify = Notify.via(recording);
        Notification live = Flow.of("live", () -> notify.notificationFor(RunContext.flowRun().orElseThrow())).run();

        assertThat(live.body()).contains("is RUNNING, for").doesNotContain("ended");
        FlowRun<Integer> ended = failingEtl(failingLoad()).runForState("Boston", "2026-11-21");
        assertThat(notify.notificationFor(ended).body()).contains("ended FAILED after");
    }

    @Test
    void aSubflowFailureNamesTheFailedTasksOwnErrorAsATaskFailureDoes() {
        Task<String, Integer> load = failingLoad();
        Flow<String, Integer> region = Flow.of("region", (String city) -> load.run(city));
        FlowRun<Integer> run = Flow.of("all-regions", (String city) -> region.run(city))
                .onFailure(Notify.via(recording).withRetries(0, Duration.ZERO))
                .runForState("Boston");

        assertThat(run.state()).isEqualTo(State.FAILED);
        Notification n = received.get(0);
        assertThat(n.fields()).containsEntry("failed task", "'load' (run 'load-0') FAILED after 1 attempt")
                .containsEntry("error type", "java.io.IOException")
                .containsEntry("error", "connection refused by warehouse");
        assertThat(n.body()).contains("Error: java.io.IOException: connection refused by warehouse");
    }

    @Test
    void aSubflowThatFailsInItsOwnBodyKeepsItsOwnErrorNotThatOfATaskItHandled() {
        Task<String, Integer> load = failingLoad();
        Flow<String, Integer> region = Flow.of("region", (String city) -> {
            try {
                return load.run(city);
            } catch (TaskFailedException e) {
                throw new IllegalStateException("no fallback for " + city);
            }
        });
        Flow.of("all-regions", (String city) -> region.run(city))
                .onFailure(Notify.via(recording).withRetries(0, Duration.ZERO))
                .runForState("Boston");

        assertThat(received.get(0).fields().get("error")).contains("no fallback for Boston")
                .doesNotContain("connection refused");
    }

    @Test
    void cutsNeverSplitAnEmojiIntoHalvesThatArriveAsQuestionMarks() {
        String emoji = "\uD83D\uDE00";
        recording.notify("x".repeat(148) + emoji + "y".repeat(20));
        Flow.of("long-parameter", (String p) -> {
            throw new IllegalStateException("fails");
        }).onFailure(Notify.via(recording).withRetries(0, Duration.ZERO)).runForState("p".repeat(199) + emoji + "q");

        String subject = received.get(0).subject();
        assertThat(subject).hasSizeLessThanOrEqualTo(150).endsWith("\u2026").startsWith("x".repeat(148));
        assertThat(subject).isEqualTo(roundTripped(subject));
        String parameters = received.get(1).fields().get("parameters");
        assertThat(parameters).startsWith("arg0=" + "p".repeat(199)).endsWith("...");
        assertThat(parameters).isEqualTo(roundTripped(parameters));
    }

    /** {@code s} through UTF-8 and back, as every notifier sends it: a lone surrogate becomes '?'. */
    private static String roundTripped(String s) {
        return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
    }
}
