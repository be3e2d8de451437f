package dev.sluice.scheduler.internal;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Time-zone names checked with a message that suggests the closest known name. */
public final class Zones {
    private Zones() {
    }

    /**
     * The zone named {@code name} ({@code Europe/Berlin}, {@code UTC}, {@code +02:00}).
     *
     * @throws IllegalArgumentException naming the unknown zone and the closest known one
     */
    public static ZoneId of(String name) {
        Objects.requireNonNull(name, "zone");
        String trimmed = name.trim();
        try {
            return ZoneId.of(trimmed);
        } catch (DateTimeException e) {
            String suggestion = closest(trimmed);
            throw new IllegalArgumentException("unknown time zone '" + name + "'"
                    + (suggestion == null ? "" : "; did you mean " + suggestion + "?")
                    + " (zone names are IANA names like Europe/Berlin or America/New_York)", e);
        }
    }

    private static @Nullable String closest(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return ZoneId.getAvailableZoneIds().stream()
                .min(Comparator.comparingInt((String id) -> distance(lower, id.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .filter(id -> distance(lower, id.toLowerCase(Locale.ROOT)) <= Math.max(2, name.length() / 4))
                .orElse(null);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
