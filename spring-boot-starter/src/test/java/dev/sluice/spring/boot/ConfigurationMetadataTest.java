package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration processor's metadata, which IDEs complete {@code sluice.*} properties from, is in the jar. */
class ConfigurationMetadataTest {
    @Test
    void everySluicePropertyIsDescribedWithItsDefault() throws IOException {
        JsonNode metadata;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("META-INF/spring-configuration-metadata.json on the class path").isNotNull();
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        metadata.get("properties").forEach(p -> properties.put(p.get("name").asText(), p));
        assertThat(properties).containsKeys("sluice.home", "sluice.replace-default-runtime", "sluice.blocks.store",
                "sluice.history.enabled", "sluice.history.database", "sluice.history.block", "sluice.history.pool-size",
                "sluice.worker.enabled", "sluice.worker.name", "sluice.worker.threads", "sluice.worker.stop-grace",
                "sluice.server.enabled", "sluice.server.host", "sluice.server.port", "sluice.metrics.enabled",
                "sluice.health.stale-heartbeat-after", "sluice.health.problem-window");
        assertThat(properties.values()).allSatisfy(p -> assertThat(p.path("description").asText()).as(p.get("name").asText())
                .isNotBlank().doesNotContain("{@"));
        assertThat(properties.get("sluice.server.port").get("defaultValue").asInt()).isEqualTo(4200);
        assertThat(properties.get("sluice.server.enabled").get("defaultValue").asBoolean()).isFalse();
        assertThat(properties.get("sluice.worker.stop-grace").get("defaultValue").asText()).isEqualTo("20s");
        assertThat(properties.get("sluice.history.database").get("defaultValue").asText()).isEqualTo("default");
    }
}
