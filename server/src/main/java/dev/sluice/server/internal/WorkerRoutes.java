package dev.sluice.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.scheduler.WorkerInfo;
import dev.sluice.server.Role;
import dev.sluice.server.internal.Auth.Principal;
import dev.sluice.server.internal.Views.WorkerRow;
import dev.sluice.server.internal.Views.WorkersView;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The workers (serving JVMs) as a page and API: last heartbeat first, stale ones marked. */
final class WorkerRoutes {
    /** How far back the page looks for workers. */
    static final Duration WITHIN = Duration.ofDays(7);

    private final Web web;
    private final WebApp.Settings settings;

    WorkerRoutes(Web web, WebApp.Settings settings) {
        this.web = web;
        this.settings = settings;
    }

    void register(io.javalin.config.RoutesConfig r) {
        web.route(r, "GET", "/workers", Role.VIEWER, false, "Workers", List.of(), "", this::page);
        web.route(r, "GET", "/api/workers", Role.VIEWER, true,
                "Workers seen in the last 7 days, latest heartbeat first: what they serve and run, stale or not", List.of(),
                "Workers", this::api);
    }

    private List<WorkerInfo> workers() {
        return settings.deployments().client().workers(WITHIN).stream()
                .sorted(Comparator.comparing(WorkerInfo::heartbeatAt).reversed()).toList();
    }

    /** Stale: stopped, or its last heartbeat older than the threshold. */
    private boolean stale(WorkerInfo w, Instant now) {
        return w.stoppedAt() != null || w.heartbeatAt().isBefore(now.minus(settings.staleWorkerAfter()));
    }

    private void page(Context ctx, Principal who) {
        Instant now = settings.clock().instant();
        List<WorkerRow> rows = workers().stream().map(w -> new WorkerRow(w.id(), w.name(), w.host(), w.pid(),
                Fmt.time(w.startedAt()), Fmt.time(w.heartbeatAt()), age(Duration.between(w.heartbeatAt(), now)),
                Fmt.time(w.stoppedAt()), w.deployments(), w.running(), stale(w, now))).toList();
        web.render(ctx, "workers.jte", web.page(ctx, who, "Workers", "workers"),
                new WorkersView(rows, Fmt.duration(settings.staleWorkerAfter()), "7 days"));
    }

    static String age(Duration d) {
        return d.toMillis() < 1_000 ? "just now" : Fmt.duration(d) + " ago";
    }

    private void api(Context ctx, Principal who) {
        Instant now = settings.clock().instant();
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (WorkerInfo w : workers()) {
            ObjectNode n = Json.MAPPER.valueToTree(w);
            n.put("stale", stale(w, now));
            items.add(n);
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("staleAfter", settings.staleWorkerAfter().toString());
        out.set("workers", items);
        Web.json(ctx, out);
    }
}
