package dev.sluice.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A worker as the database knows it: who, since when, its last heartbeat, what it serves and which
 * runs it is running.
 *
 * @param id the worker's id
 * @param name its name (default: host and pid)
 * @param host the host it runs on
 * @param pid its process id
 * @param startedAt when it started
 * @param heartbeatAt its last heartbeat
 * @param stoppedAt when it stopped, if it stopped cleanly
 * @param deployments the deployments it serves
 * @param running the ids of the runs it is running
 */
public record WorkerInfo(String id, String name, String host, long pid, Instant startedAt, Instant heartbeatAt,
        @Nullable Instant stoppedAt, List<String> deployments, List<String> running) {
    /** Checks the fields and copies the lists. */
    public WorkerInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(heartbeatAt, "heartbeatAt");
        deployments = List.copyOf(deployments);
        running = List.copyOf(running);
    }
}
