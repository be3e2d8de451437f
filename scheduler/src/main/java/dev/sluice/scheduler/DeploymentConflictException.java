package dev.sluice.scheduler;

/**
 * Two deployments with one name run different flows (one registered before, by this or another
 * process): the message names both flows.
 */
public final class DeploymentConflictException extends SchedulerException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the deployment and both flows. */
    public DeploymentConflictException(String message) {
        super(message);
    }
}
