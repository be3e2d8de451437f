package dev.sluice.scheduler;

import java.util.List;

/**
 * What an application jar offers to {@code sluice worker start --jar app.jar}: its deployments. List
 * the implementing class in {@code META-INF/services/dev.sluice.scheduler.DeploymentProvider} (found
 * with {@link java.util.ServiceLoader}), or name it with {@code --class}:
 *
 * <pre>{@code
 * public final class SalesDeployments implements DeploymentProvider {
 *     @Override
 *     public List<Deployment> deployments() {
 *         return List.of(Deployment.of(DeploymentsExample.REPORT, DeploymentsExample.ReportParams.class)
 *                 .withParameters(Map.of("city", "Berlin"))   // a scheduled run has only the defaults
 *                 .withSchedules(Schedule.cron("0 6 * * *", "Europe/Berlin")));
 *     }
 * }
 * }</pre>
 *
 * The class needs a public no-argument constructor.
 */
public interface DeploymentProvider {
    /** The deployments to serve. */
    List<Deployment> deployments();
}
