package dev.sluice.examples;

import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentProvider;
import dev.sluice.scheduler.Schedule;
import java.util.List;
import java.util.Map;

/**
 * The deployments of a jar, for {@code sluice worker start --jar app.jar --class dev.sluice.examples.SalesDeployments}
 * ({@code docs/cli.md}, "Workers from a jar"): {@link DeploymentsExample}'s report for Berlin, every day at 06:00 in Berlin.
 */
public final class SalesDeployments implements DeploymentProvider {
    @Override
    public List<Deployment> deployments() {
        return List.of(Deployment.of(DeploymentsExample.REPORT, DeploymentsExample.ReportParams.class)
                .withParameters(Map.of("city", "Berlin"))   // a scheduled run has only the defaults
                .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin")));
    }
}
