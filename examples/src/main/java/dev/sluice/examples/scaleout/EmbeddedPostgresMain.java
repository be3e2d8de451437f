package dev.sluice.examples.scaleout;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * A PostgreSQL server for the scale-out walkthrough when none is installed (embedded PostgreSQL
 * binaries, in a temporary folder): prints {@code URL=jdbc:postgresql://...} and serves until its
 * standard input closes or it is stopped.
 */
public final class EmbeddedPostgresMain {
    private EmbeddedPostgresMain() {
    }

    public static void main(String[] args) throws IOException {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            System.out.println("URL=" + pg.getJdbcUrl("postgres", "postgres"));
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until standard input closes
            }
        }
    }
}
