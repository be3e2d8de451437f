package dev.sluice.examples;

import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentProvider;
import dev.sluice.scheduler.Schedule;
import java.util.List;

/**
 * The deployments of a jar, for {@code sluice worker start --jar app.jar --class dev.sluice.examples.SalesDeployments}
 * ({@code docs/cli.md}, "Workers from a jar"): {@link DeploymentsExample}'s report, every day at 06:00 in Berlin.
 */
public final class SalesDeployments implements DeploymentProvider {
    @Override
    public List<Deployment> deployments() {
        return List.of(Deployment.of(DeploymentsExample.REPORT, DeploymentsExample.ReportParams.class)
                .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin")));
    }
}
