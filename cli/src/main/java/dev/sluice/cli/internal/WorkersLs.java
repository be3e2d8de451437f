package dev.sluice.cli.internal;

import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sluice worker ls}: the workers that heartbeat into the database. */
@Command(name = "ls", description = "Lists the workers seen in the last day: heartbeat, deployments, runs going on.")
final class WorkersLs implements Runnable {
    private final Cli cli;

    @Option(names = "--json", description = "JSON for scripts.")
    boolean json;

    @Option(names = "--all", description = "Stopped workers too.")
    boolean all;

    WorkersLs(Cli cli) {
        this.cli = cli;
    }

    @Override
    public void run() {
        cli.requireLocal("worker ls");
        try (DeploymentClient client = DeploymentsCommands.client(cli)) {
            Instant now = cli.clock.instant();
            List<WorkerInfo> workers = client.workers(Duration.ofDays(1)).stream()
                    .filter(w -> all || w.stoppedAt() == null)
                    .sorted(Comparator.comparing(WorkerInfo::heartbeatAt).reversed()).toList();
            if (json) {
                Output.json(cli, workers);
                return;
            }
            if (workers.isEmpty()) {
                cli.out.println("No workers: start one with sluice worker start --jar app.jar (or Sluice.serve in your main).");
                return;
            }
            Table t = new Table("NAME", "HOST", "PID", "HEARTBEAT", "STATE", "DEPLOYMENTS", "RUNNING");
            for (WorkerInfo w : workers) {
                long ago = Duration.between(w.heartbeatAt(), now).toSeconds();
                String state = w.stoppedAt() != null ? "stopped" : ago > 15 ? "silent " + ago + "s" : "live";
                t.row(4, state.equals("live") ? "32" : "31", w.name(), w.host(), String.valueOf(w.pid()), Runs.time(w.heartbeatAt()),
                        state, String.join(",", w.deployments()), String.valueOf(w.running().size()));
            }
            t.print(cli.out, cli.colour());
        }
    }
}
