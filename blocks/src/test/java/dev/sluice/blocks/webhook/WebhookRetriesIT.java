package dev.sluice.blocks.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.Task;
import dev.sluice.Task0;
import dev.sluice.TaskFailedException;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notify;
import dev.sluice.notify.Severity;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook notifiers retry through core's retry loop: with the runtime's sleeper and clock, the
 * one Retry-After parser, and a single attempt when an enclosing layer ({@code Notify}, a task's
 * retries) already retries, so attempts never multiply.
 */
class WebhookRetriesIT {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @TempDir
    Path home;

    private final List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
    private final List<SluiceRuntime> runtimes = new ArrayList<>();
    private SluiceRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = runtime("main", Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        runtimes.forEach(SluiceRuntime::close);
    }

    private SluiceRuntime runtime(String name, Clock clock) {
        SluiceRuntime r = SluiceRuntime.builder().home(home.resolve(name)).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).sleeper(slept::add).clock(clock).build();
        runtimes.add(r);
        return r;
    }

    private static DiscordWebhook hook(String path) {
        return new DiscordWebhook(Secret.of(wm.baseUrl() + path)); // default options: 4 attempts
    }

    private static Notification alert() {
        return Notification.of("load failed", "the nightly load failed", Severity.ERROR);
    }

    private static Flow0<Object> failingFlow(Notify notify) {
        return Flow.of("failing", () -> {
            throw new IllegalStateException("boom");
        }).onFailure(notify);
    }

    @Test
    void onItsOwnAWebhookMakesItsOwnAttempts() {
        wm.stubFor(post(urlEqualTo("/alone")).willReturn(aResponse().withStatus(503)));
        assertThatThrownBy(() -> runtime.run(() -> hook("/alone").send(alert())))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("Discord webhook (host localhost) answered HTTP 503")
                .hasMessageContaining("gave up after 4 attempts")
                .satisfies(e -> {
                    assertThat(((WebhookException) e).statusCode()).isEqualTo(503);
                    assertThat(((WebhookException) e).isRetryable()).isFalse(); // retried already: Notify adds none
                });
        wm.verify(4, postRequestedFor(urlEqualTo("/alone")));
        assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void throughNotifyWithItsDefaultRetriesADeadWebhookGetsExactlyNotifysAttempts() {
        wm.stubFor(post(urlEqualTo("/notify-down")).willReturn(aResponse().withStatus(503)));
        FlowRun<Object> run = runtime.call(() -> failingFlow(Notify.via(hook("/notify-down"))).runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        // Notify: 1 attempt + 2 retries, 1 s apart; not Notify x webhook (3 x 4 = 12), nor the webhook's own 4
        wm.verify(3, postRequestedFor(urlEqualTo("/notify-down")));
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    @Test
    void insideATaskWithRetriesTheTaskRetries() {
        wm.stubFor(post(urlEqualTo("/in-task")).willReturn(aResponse().withStatus(500)));
        Task0<Integer> alertTask = Task.of("alert", () -> {
            hook("/in-task").send(alert());
            return 1;
        }).withRetries(2, Duration.ofMillis(10));
        assertThatThrownBy(() -> runtime.call(alertTask::run)).isInstanceOf(TaskFailedException.class)
                .cause().isInstanceOf(WebhookException.class)
                .hasMessageContaining("answered HTTP 500")
                .hasMessageContaining("1 attempt here");
        wm.verify(3, postRequestedFor(urlEqualTo("/in-task")));
        assertThat(slept).containsExactly(Duration.ofMillis(10), Duration.ofMillis(10));
    }

    @Test
    void notifyWaitsTheRetryAfterTheServiceAsksFor() {
        wm.stubFor(post(urlEqualTo("/busy")).inScenario("busy").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("free"));
        wm.stubFor(post(urlEqualTo("/busy")).inScenario("busy").whenScenarioStateIs("free")
                .willReturn(aResponse().withStatus(204)));
        FlowRun<Object> run = runtime.call(() -> failingFlow(Notify.via(hook("/busy"))).runForState());
        assertThat(run.state()).isEqualTo(State.FAILED);
        wm.verify(2, postRequestedFor(urlEqualTo("/busy")));
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aRetryAfterAboveMaxRetryDelayIsNotRetriedByNotifyEither() {
        wm.stubFor(post(urlEqualTo("/later")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        runtime.call(() -> failingFlow(Notify.via(hook("/later"))).runForState());
        wm.verify(1, postRequestedFor(urlEqualTo("/later")));
        assertThat(slept).isEmpty();

        assertThatThrownBy(() -> runtime.run(() -> hook("/later").send(alert())))
                .isInstanceOf(WebhookException.class)
                .hasMessageContaining("asked to wait 3600 s (Retry-After), longer than maxRetryDelay 60 s")
                .satisfies(e -> assertThat(((WebhookException) e).isRetryable()).isFalse());
        wm.verify(2, postRequestedFor(urlEqualTo("/later")));
    }

    @Test
    void aRefusalIsNotRetriedByNotify() {
        wm.stubFor(post(urlEqualTo("/gone")).willReturn(aResponse().withStatus(404)));
        runtime.call(() -> failingFlow(Notify.via(hook("/gone"))).runForState());
        wm.verify(1, postRequestedFor(urlEqualTo("/gone")));
        assertThat(slept).isEmpty();
    }

    @Test
    void anHttpDateRetryAfterIsReadWithTheRuntimesClock() {
        SluiceRuntime fixed = runtime("fixed", Clock.fixed(NOW, ZoneOffset.UTC));
        String in3s = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(3).atOffset(ZoneOffset.UTC));
        wm.stubFor(post(urlEqualTo("/dated")).inScenario("dated").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", in3s)).willSetStateTo("up"));
        wm.stubFor(post(urlEqualTo("/dated")).inScenario("dated").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        fixed.run(() -> hook("/dated").send(alert()));
        wm.verify(2, postRequestedFor(urlEqualTo("/dated")));
        assertThat(slept).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void twoRuntimesUsedConcurrentlyEachNotifyThroughTheirOwnBlock() {
        SluiceRuntime teamA = runtime("team-a", Clock.systemUTC());
        SluiceRuntime teamB = runtime("team-b", Clock.systemUTC());
        wm.stubFor(post(urlEqualTo("/team-a")).willReturn(aResponse().withStatus(204)));
        wm.stubFor(post(urlEqualTo("/team-b")).willReturn(aResponse().withStatus(204)));
        teamA.run(() -> Blocks.save("ops", hook("/team-a")));
        teamB.run(() -> Blocks.save("ops", hook("/team-b")));
        int runs = 10;
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            for (SluiceRuntime r : List.of(teamA, teamB)) {
                String team = r == teamA ? "a" : "b";
                all.add(CompletableFuture.runAsync(() -> r.run(() -> Flow.of("flow-of-team-" + team, () -> {
                    throw new IllegalStateException("boom");
                }).onFailure(Notify.via(Blocks.load(DiscordWebhook.class, "ops"))).runForState())));
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        for (String team : List.of("a", "b")) {
            String other = team.equals("a") ? "b" : "a";
            wm.verify(runs, postRequestedFor(urlEqualTo("/team-" + team)));
            assertThat(wm.findAll(postRequestedFor(urlEqualTo("/team-" + team))))
                    .allSatisfy(request -> assertThat(request.getBodyAsString()).contains("flow-of-team-" + team)
                            .doesNotContain("flow-of-team-" + other));
        }
        assertThat(teamA.httpClient(Duration.ofSeconds(10))).isNotSameAs(teamB.httpClient(Duration.ofSeconds(10)));
    }
}
