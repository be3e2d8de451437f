package dev.sluice.server.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Two reads of the history's tables the history's API has no cheap form of. The parameters of a page of flow runs in one query (the history's summaries do not carry them, and
 * reading each run's detail would cost a query per row). Reads the history's {@code flow_run} table,
 * whose parameters are stored masked.
 */
final class RunParameters {
    private static final TypeReference<LinkedHashMap<String, @Nullable Object>> MAP = new TypeReference<>() {
    };
    private final DataSource source;

    RunParameters(DataSource source) {
        this.source = source;
    }

    /** The last recorded state of flow run {@code id}, or null if there is none (one indexed look-up). */
    @Nullable String state(String id) throws SQLException {
        try (Connection c = source.getConnection();
                PreparedStatement ps = c.prepareStatement("select state from flow_run where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    Map<String, Map<String, @Nullable Object>> of(Collection<String> ids) {
        Map<String, Map<String, @Nullable Object>> out = new HashMap<>();
        raw(ids).forEach((id, json) -> {
            try {
                out.put(id, Json.MAPPER.readValue(json, MAP));
            } catch (Exception e) {
                // unreadable parameters are shown as none
            }
        });
        return out;
    }

    /** Stored parameters as a map; none if they cannot be read. */
    static Map<String, @Nullable Object> parse(@Nullable String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(json, MAP);
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** The parameters of flow runs {@code ids} as stored: JSON objects (masked when they were written). */
    Map<String, String> raw(Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        try (Connection c = source.getConnection();
                PreparedStatement ps = c.prepareStatement("select id, parameters from flow_run where id in (" + marks + ")")) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String json = rs.getString(2);
                    if (json != null && json.startsWith("{") && json.endsWith("}")) {
                        out.put(rs.getString(1), json);
                    }
                }
            }
        } catch (SQLException e) {
            // the list is still useful without its parameters
        }
        return out;
    }
}
