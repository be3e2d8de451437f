package dev.sluice.examples.sales;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentInfo;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.testkit.TemporarySluiceHome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The main example served: the deployment on its schedule, a run triggered from outside, the dashboard showing it. */
@Timeout(120)
class ServedDailySalesIT {
    @RegisterExtension
    static final TemporarySluiceHome HOME = new TemporarySluiceHome();

    @Test
    void theDeploymentIsServedRunsWhenTriggeredAndTheDashboardShowsIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        dev.sluice.SluiceRuntime runtime = dev.sluice.SluiceRuntime.current();
        Thread serving = new Thread(() -> {
            try {
                runtime.call(() -> {
                    try {
                        ServedDailySales.serve(DailySales.Options.parse("--regions", "north,east"), 0, "0 6 * * *",
                                ZoneId.of("Europe/Berlin"), out);
                    } catch (Exception e) {
                        failed.set(e);
                    }
                    return null;
                });
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        serving.start();
        Matcher dashboard = null;
        for (int i = 0; i < 1200 && dashboard == null && serving.isAlive(); i++) {
            Matcher m = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/)").matcher(bytes.toString(StandardCharsets.UTF_8));
            dashboard = m.find() ? m : null;
            Thread.sleep(50);
        }
        try {
            assertThat(dashboard).as(bytes.toString(StandardCharsets.UTF_8) + failed.get()).isNotNull();
            assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("serving deployment 'daily-sales': every day at 06:00 Europe/Berlin");
            HistoryDatabase db = HistoryDatabase.sqlite(HOME.path().resolve("sluice.db"));
            try (DeploymentClient client = DeploymentClient.open(db)) {
                assertThat(client.deployment("daily-sales")).hasValueSatisfying(d -> {
                    assertThat(d.schedules()).hasSize(1);
                    assertThat(d.parameterSchema().names()).containsExactly("date", "regions");
                    assertThat(d.parameters()).as("--regions: the served runs' regions").containsEntry("regions", "north,east");
                });
                String id = client.trigger("daily-sales", Map.of("regions", "north", "date", "2026-11-20"));
                Optional<DeploymentRun> done = client.awaitFinished(id, Duration.ofSeconds(90));
                assertThat(done).hasValueSatisfying(r -> assertThat(r.status()).as(String.valueOf(r.message())).isEqualTo(RunStatus.COMPLETED));
                String flowRunId = done.get().flowRunId();
                HttpResponse<String> runs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(dashboard.group(1) + "api/runs?top=1")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(runs.statusCode()).isEqualTo(200);
                assertThat(runs.body()).contains(flowRunId, "\"flowName\":\"daily-sales\"", "COMPLETED");
                assertThat(client.deployments()).extracting(DeploymentInfo::name).isEqualTo(List.of("daily-sales"));

                // a backfill processes the day before each slot (06:00 Berlin is 05:00Z in November), not the day it runs on
                List<String> backfill = client.backfill("daily-sales", Instant.parse("2026-11-18T00:00:00Z"),
                        Instant.parse("2026-11-20T00:00:00Z"), false);
                assertThat(backfill).hasSize(2);
                List<String> days = new java.util.ArrayList<>();
                for (String b : backfill) {
                    DeploymentRun r = client.awaitFinished(b, Duration.ofSeconds(90)).orElseThrow();
                    assertThat(r.status()).as(String.valueOf(r.message())).isEqualTo(RunStatus.COMPLETED);
                    String subflows = get(dashboard.group(1) + "api/runs/" + r.flowRunId() + "/subflow-runs");
                    Matcher sub = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(subflows);
                    assertThat(sub.find()).as(subflows).isTrue();
                    Matcher day = Pattern.compile("\"date\":\"(\\d{4}-\\d{2}-\\d{2})\"")
                            .matcher(get(dashboard.group(1) + "api/runs/" + sub.group(1)));
                    assertThat(day.find()).isTrue();
                    days.add(r.slotTime().orElseThrow() + " " + day.group(1));
                }
                assertThat(days).containsExactlyInAnyOrder("2026-11-18T05:00:00Z 2026-11-17", "2026-11-19T05:00:00Z 2026-11-18");
            }
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(serving.isAlive()).isFalse();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(url + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }
}
