package dev.sluice.scheduler;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import java.time.Duration;

/**
 * A worker JVM for the scale-out tests: {@code WorkerChild <jdbc-url> <user> <name>} serves the test
 * deployments with {@link Sluice#serve} until it is killed or sent SIGTERM.
 */
public final class WorkerChild {
    private WorkerChild() {
    }

    static Deployment[] deployments() {
        return new Deployment[] {
            Deployment.of(Flows.NOOP),
            Deployment.of(Flows.SLEEPY),
            Deployment.of(Flows.SLEEPY_RETRIED),
            Deployment.of(Flows.BRIEF),
            Deployment.of(Flows.NOOP).withName("tick").withSchedules(Schedule.interval(Duration.ofSeconds(1)))
                    .withCatchUp(CatchUp.ALL, Duration.ofMinutes(5)),
        };
    }

    public static void main(String[] args) {
        HistoryDatabase db = HistoryDatabase.of(args[0], args[1], Secret.of(""));
        System.out.println("STARTING=" + args[2]);
        Sluice.serve(Worker.builder(db).name(args[2]).deployments(deployments()).threads(3)
                .heartbeat(Duration.ofSeconds(1), 5).stopGrace(Duration.ofSeconds(3)));
        System.out.println("STOPPED=" + args[2]);
    }
}
