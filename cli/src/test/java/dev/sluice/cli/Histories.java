package dev.sluice.cli;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.Task;
import dev.sluice.block.Secret;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A run history in a temporary folder, filled by running real flows. */
final class Histories {
    static final String REVEALED = "tok-cli-7c1e9f-secret";

    private Histories() {
    }

    /** Runs: 3 completed "nightly" (tag env:prod), 1 failed "load" whose error quotes a revealed secret. Returns their ids, oldest first. */
    static List<String> fill(Path home) {
        return fill(home, HistoryDatabase.sqlite(home.resolve("sluice.db")));
    }

    /** As {@link #fill(Path)}, into {@code database}. */
    static List<String> fill(Path home, HistoryDatabase database) {
        List<String> ids = new ArrayList<>();
        try (History history = History.open(database);
                SluiceRuntime runtime = SluiceRuntime.builder().home(home).recorder(history.recorder()).withoutExtensions().build()) {
            Task<Integer, Integer> square = Task.of("square", (Integer x) -> x * x);
            for (int i = 1; i <= 3; i++) {
                int day = i;
                FlowRun<Integer> run = runtime.runForState(Flow.of("nightly", (Integer n) -> {
                    RunContext.addTags("env:prod");
                    RunContext.logger().info("squaring {}", n);
                    return square.run(n);
                }), day);
                ids.add(run.id());
            }
            Secret token = Secret.of(REVEALED);
            FlowRun<Object> failed = runtime.runForState(Flow.of("load", (String table) -> {
                String t = token.reveal();
                RunContext.logger().info("loading {}", table);
                throw new IllegalStateException("server said: bad token " + t);
            }), "orders");
            ids.add(failed.id());
            history.flush();
        }
        return ids;
    }

}
