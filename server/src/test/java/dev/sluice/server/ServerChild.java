package dev.sluice.server;

import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import java.nio.file.Path;

/** A server in its own JVM, stopped as {@code sluice server start} is: by a shutdown hook closing it (SIGTERM). */
public final class ServerChild {
    private ServerChild() {
    }

    public static void main(String[] args) throws Exception {
        SluiceServer server = SluiceServer.start(ServerOptions.builder().database(HistoryDatabase.sqlite(Path.of(args[0])))
                .port(0).printUrl(false).blockStore(BlockStore.inMemory()).build());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long start = System.nanoTime();
            server.close();
            System.out.println("CLOSED_MILLIS=" + (System.nanoTime() - start) / 1_000_000);
            System.out.flush();
        }, "stop"));
        System.out.println("URL=" + server.url());
        System.out.flush();
        server.await();
    }
}
