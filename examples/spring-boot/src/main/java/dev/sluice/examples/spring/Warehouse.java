package dev.sluice.examples.spring;

import java.util.Map;
import org.springframework.stereotype.Component;

/** The application's own service the flow calls: stock levels per warehouse (a stand-in for a real inventory). */
@Component
public class Warehouse {
    private static final Map<String, Map<String, Integer>> STOCK = Map.of(
            "main", Map.of("bolts", 120, "nuts", 3, "washers", 0, "screws", 44),
            "north", Map.of("bolts", 2, "nuts", 80));

    /** Creates the stand-in. */
    public Warehouse() {
    }

    /**
     * Items and their counts in {@code warehouse}.
     *
     * @throws IllegalArgumentException for an unknown warehouse
     */
    public Map<String, Integer> stock(String warehouse) {
        Map<String, Integer> stock = STOCK.get(warehouse);
        if (stock == null) {
            throw new IllegalArgumentException("unknown warehouse '" + warehouse + "'; there are " + STOCK.keySet());
        }
        return stock;
    }
}
