package dev.sluice.cli;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Task;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentProvider;
import dev.sluice.scheduler.Range;
import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.util.List;

/** Deployments an "application jar" offers to {@code sluice worker start} (listed in META-INF/services). */
public final class TestDeployments implements DeploymentProvider {
    /** The report's parameters. */
    public record Report(String region, @Default("7") @Range(min = 1, max = 90) int days) {
    }

    static final Flow<Report, String> REPORT = Flow.of("region-report", (Report r) -> r.region() + ":" + r.days());

    static final Flow<Report, String> BROKEN = Flow.of("broken-report", (Report r) -> {
        throw new IllegalStateException("no data for " + r.region());
    });

    static final Task<String, String> NAP = Task.of("nap", (String s) -> {
        Thread.sleep(60_000);
        return s;
    });

    static final Flow0<String> SLEEPY = Flow.of("sleepy", () -> NAP.run("x"));

    /** What the tests serve. */
    public static List<Deployment> all() {
        return List.of(
                Deployment.of(REPORT, Report.class).withName("daily-report")
                        .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin")),
                Deployment.of(BROKEN, Report.class).withName("broken-report"),
                Deployment.of(SLEEPY).withName("sleepy").withSchedules(Schedule.interval(Duration.ofDays(1))));
    }

    @Override
    public List<Deployment> deployments() {
        return all();
    }
}
