package dev.sluice.scheduler;

import dev.sluice.Flow;
import dev.sluice.Flow0;
import dev.sluice.Task;
import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A worker JVM for the chaos tests: {@code ChaosChild <jdbc-url> <user> <name> <marks-file>} serves the
 * deployments below with {@link Sluice#serve} until it is killed or sent SIGTERM. Every flow body that starts
 * appends a line {@code <deployment-run-id> <worker-name>} to the marks file, so the test counts how often each
 * run's body really ran, across all JVMs.
 */
public final class ChaosChild {
    private static volatile Path marks;
    private static volatile String worker;

    private ChaosChild() {
    }

    static void mark() {
        mark("start");
    }

    /** Appends {@code <run-id> <worker> <what> <epoch-millis>}: one short write, whole on a local file. */
    static synchronized void mark(String what) {
        String run = DeploymentRun.current().map(DeploymentRun::id).orElse("direct");
        try {
            Files.writeString(marks, run + " " + worker + " " + what + " " + System.currentTimeMillis() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final Task<Integer, Integer> STEP = Task.of("chaos-step", (Integer i) -> {
        Thread.sleep(250);
        return i;
    });

    /** Twenty steps of 250 ms: about 5 s. */
    static final Flow0<Integer> STEADY = Flow.of("steady", () -> {
        mark();
        int sum = 0;
        for (int i = 0; i < 20; i++) {
            sum += STEP.run(i);
        }
        return sum;
    });

    /** A short body, marked. */
    static final Flow0<String> MARKED = Flow.of("marked", () -> {
        mark();
        return "ok";
    });

    /** Marks its start and its end, 300 ms apart. */
    static final Flow0<String> HELD = Flow.of("held-briefly", () -> {
        mark("start");
        try {
            Thread.sleep(300);
        } finally {
            mark("end");
        }
        return "held";
    });

    static Deployment[] deployments() {
        return new Deployment[] {
            Deployment.of(STEADY),
            Deployment.of(STEADY.withRetries(1, Duration.ofMillis(10))).withName("steady-retried"),
            Deployment.of(MARKED),
            Deployment.of(MARKED).withName("every-second").withSchedules(Schedule.interval(Duration.ofSeconds(1)))
                    .withCatchUp(CatchUp.ALL, Duration.ofMinutes(5)),
            Deployment.of(HELD).withName("limited").withConcurrencyLimit(2),
            Deployment.of(HELD).withName("gpu-a").withTags("gpu"),
            Deployment.of(HELD).withName("gpu-b").withTags("gpu"),
        };
    }

    public static void main(String[] args) {
        HistoryDatabase db = HistoryDatabase.of(args[0], args[1], Secret.of(""));
        worker = args[2];
        marks = Path.of(args[3]);
        System.out.println("STARTING=" + args[2]);
        Sluice.serve(Worker.builder(db).name(args[2]).deployments(deployments()).threads(4)
                .heartbeat(Duration.ofSeconds(1), 4).tagConcurrencyLimit("gpu", 3).stopGrace(Duration.ofSeconds(3)));
        System.out.println("STOPPED=" + args[2]);
    }
}
