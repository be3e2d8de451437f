package dev.sluice.examples.spring;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.Task;
import dev.sluice.Task2;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.Schedule;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application whose flow runs every weekday at 07:00 Berlin time: with
 * {@code sluice-spring-boot-starter} on the class path, the {@link Deployment} bean is served by a worker that
 * starts with the application, runs are kept in {@code $SLUICE_HOME/sluice.db} (or the application's database
 * with {@code sluice.history.database=application}), and {@code bin/sluice deployments run inventory-report}
 * runs it now.
 *
 * <pre>
 * ./mvnw -q -pl examples/spring-boot -am package exec:exec -DskipTests
 * </pre>
 */
@SpringBootApplication
public class InventoryApplication {
    /** The deployment's name. */
    public static final String DEPLOYMENT = "inventory-report";

    /** Created by Spring. */
    public InventoryApplication() {
    }

    public static void main(String[] args) {
        SpringApplication.run(InventoryApplication.class, args);
    }

    /**
     * A run's parameters, as the dashboard's run form and {@code sluice deployments run -p} give them.
     *
     * @param warehouse    the warehouse to check
     * @param reorderBelow items with fewer than this many in stock are reported
     */
    public record ReportRequest(@Default("main") String warehouse, @Default("5") int reorderBelow) {
    }

    /** The flow, built from the application's {@link Warehouse} bean: the items to reorder. */
    @Bean
    Flow<ReportRequest, List<String>> inventoryReport(Warehouse warehouse) {
        Task<String, Map<String, Integer>> countStock = Task.of("count-stock", (String name) -> warehouse.stock(name))
                .withRetries(2, Duration.ofSeconds(1));
        Task2<Map<String, Integer>, Integer, List<String>> lowStock = Task.of("low-stock",
                (Map<String, Integer> stock, Integer below) -> stock.entrySet().stream()
                        .filter(e -> e.getValue() < below).map(Map.Entry::getKey).sorted().toList());
        return Flow.of(DEPLOYMENT, (ReportRequest request) -> {
            List<String> reorder = lowStock.run(countStock.run(request.warehouse()), request.reorderBelow());
            RunContext.logger().info("{} item(s) to reorder in {}: {}", reorder.size(), request.warehouse(), reorder);
            return reorder;
        });
    }

    /** The flow as a deployment on a schedule: the starter's worker serves every {@code Deployment} bean. */
    @Bean
    Deployment inventoryReportDeployment(Flow<ReportRequest, List<String>> inventoryReport) {
        return Deployment.of(inventoryReport, ReportRequest.class)
                .withDescription("Items to reorder, every weekday at 07:00 Berlin time")
                .withTags("example", "spring")
                .withSchedules(Schedule.cron("0 7 * * 1-5", ZoneId.of("Europe/Berlin")));
    }
}
