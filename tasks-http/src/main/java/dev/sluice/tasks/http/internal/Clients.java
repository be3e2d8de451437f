package dev.sluice.tasks.http.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM's shared {@link HttpClient}s, one per connect timeout, so extracts reuse connections.
 * They never follow redirects themselves: the extract does, so that auth is never sent to another host.
 */
public final class Clients {
    private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    private Clients() {
    }

    public static HttpClient forConnectTimeout(Duration connectTimeout) {
        return CLIENTS.computeIfAbsent(connectTimeout, t -> HttpClient.newBuilder()
                .connectTimeout(t)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
    }
}
