package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.cache.CachePolicy;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.notify.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What a new user ran into when porting Prefect walkthroughs, one test each. */
class WalkthroughTest {
    @TempDir
    Path home;

    record Report(String city, LocalDate day) {
    }

    @Test
    void theOrderOfWithCallsDoesNotMatter() {
        Flow<String, String> nameFirst = Flow.of("greet", (String city) -> "hi " + city)
                .withRunName("greet-{city}").withParameterNames("city");
        Flow<String, String> namesFirst = Flow.of("greet", (String city) -> "hi " + city)
                .withParameterNames("city").withRunName("greet-{city}");
        assertThat(nameFirst.runForState("Boston").name()).isEqualTo("greet-Boston");
        assertThat(namesFirst.runForState("Boston").name()).isEqualTo("greet-Boston");
    }

    @Test
    void namedTasksInferTheirTypesFromTheVariableAndActionsNeedNoReturn() {
        Task<String, List<Double>> temps = Task.named("temps").withRetries(1, Duration.ZERO)
                .of((String city) -> city.isEmpty() ? List.of() : new ArrayList<>(List.of(1.0, 2.0)));
        List<Double> got = temps.run("Boston");
        assertThat(got).containsExactly(1.0, 2.0);
        assertThat(temps.retryPolicy().maxRetries()).isEqualTo(1);

        List<String> sent = new CopyOnWriteArrayList<>();
        Task<String, Void> send = Task.action("send", (String who) -> sent.add(who));
        Task0<Void> ping = Task.action("ping", () -> sent.add("ping"));
        assertThat(send.run("ann")).isNull();
        assertThat(ping.run()).isNull();
        assertThat(sent).containsExactly("ann", "ping");
        assertThatThrownBy(() -> Task.named("two").withParameterNames("a").of((String a, String b) -> a + b))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must name all 2 parameters");
    }

    @Test
    void parameterDefaultsAreUsedAndRecorded() {
        Flow<String, String> weather = Flow.named("weather").withParameterNames("city")
                .withParameterDefault("city", "Boston")
                .of((String city) -> "weather in " + city);
        FlowRun<String> run = weather.runForState(null);
        assertThat(run.result()).isEqualTo("weather in Boston");
        assertThat(run.parameters()).containsEntry("city", "Boston");
        assertThat(weather.run("Oslo")).isEqualTo("weather in Oslo");

        Flow<String, String> misnamed = Flow.of("weather", (String city) -> city).withParameterDefault("town", "Oslo");
        assertThatThrownBy(() -> misnamed.run(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a default for parameter 'town', but its parameters are [arg0]");
    }

    @Test
    void aRecordArgumentIsRecordedAsItsComponentsAndNamesTheRun() {
        Flow<Report, String> report = Flow.of("report", (Report r) -> r.city() + "@" + r.day())
                .withRunName("report-{city}-{day}");
        FlowRun<String> run = report.runForState(new Report("Boston", LocalDate.parse("2026-11-20")));
        assertThat(run.name()).isEqualTo("report-Boston-2026-11-20");
        assertThat(run.parameters()).containsExactly(Map.entry("city", "Boston"),
                Map.entry("day", LocalDate.parse("2026-11-20")));
    }

    @Test
    void tagsCanBeGivenAsSeveralArguments() {
        Set<String> seen = Tags.with("env:pro", "type:greet", () -> Flow.of("f", () -> 1).runForState().tags());
        assertThat(seen).containsExactly("env:pro", "type:greet");
        List<Set<String>> three = new ArrayList<>();
        Tags.with("a", "b", "c", () -> {
            three.add(Tags.current());
        });
        assertThat(three).singleElement().isEqualTo(Set.of("a", "b", "c"));
    }

    @Test
    void aNotifierCanBeUsedDirectly() {
        List<Notification> got = new CopyOnWriteArrayList<>();
        Notifier notifier = got::add;
        notifier.notify("Hello from Sluice!\nsecond line");
        assertThat(got).singleElement().satisfies(n -> {
            assertThat(n.subject()).isEqualTo("Hello from Sluice!");
            assertThat(n.body()).isEqualTo("Hello from Sluice!\nsecond line");
            assertThat(n.severity()).isEqualTo(Severity.INFO);
        });
        dev.sluice.block.Secret.of("tok-walkthrough-123").reveal();
        notifier.notify("token tok-walkthrough-123 leaked?");
        assertThat(got.get(1).body()).isEqualTo("token ********** leaked?");
    }

    @Test
    void tagsAddedWhileARunGoesOnAreTheRunsOwnAndRecordersAreTold() {
        List<Set<String>> told = new CopyOnWriteArrayList<>();
        RunRecorder recorder = new RunRecorder() {
            @Override
            public void stateChanged(Run run, StateChange change) {
            }

            @Override
            public void tagsChanged(Run run, Set<String> tags) {
                told.add(tags);
            }
        };
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).recorder(recorder).build()) {
            Task0<Set<String>> inner = Task.of("inner", () -> RunContext.taskRun().orElseThrow().tags());
            FlowRun<Set<String>> run = rt.runForState(Flow.of("tagged", (String env) -> {
                RunContext.addTags("env:" + env);
                return inner.run();
            }).withTags("team:data"), "pro");
            assertThat(run.tags()).containsExactly("team:data", "env:pro");
            assertThat(run.result()).as("runs started afterwards inherit it").contains("env:pro");
            assertThat(told).containsExactly(Set.of("team:data", "env:pro"));
        }
        assertThatThrownBy(() -> RunContext.addTags("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside one, use Tags.with");
    }

    @Test
    void theRunLoggerOutsideARunWarnsOnce() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger sluice = (Logger) LoggerFactory.getLogger("sluice");
        sluice.addAppender(appender);
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            rt.run(() -> {
                RunContext.logger().info("one");
                RunContext.logger().info("two");
            });
        } finally {
            sluice.detachAppender(appender);
        }
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.contains("outside any flow or task run")).hasSize(1);
        assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).contains("one", "two");
    }

    @Test
    void aCacheKeyThatCannotBeComputedSaysSo() {
        AtomicInteger calls = new AtomicInteger();
        try (SluiceRuntime rt = SluiceRuntime.builder().home(home).build()) {
            Task<Object, Integer> cached = Task.of("cached", (Object o) -> calls.incrementAndGet())
                    .withCache(CachePolicy.inputs());
            assertThatThrownBy(() -> rt.call(() -> cached.run(new Object())))
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("ended FAILED before its first attempt, because its cache key could not be computed")
                    .hasMessageNotContaining("after 0 attempts");
        }
        assertThat(calls).hasValue(0);
    }
}
