package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large text and binary columns (H2's CLOB and BLOB) come back from the fetch tasks as a String and
 * a byte[]: they came back as the driver's Clob and Blob handles, which belong to a connection that
 * is back in the pool by the time the rows are used.
 */
class H2LobsTest {
    record Doc(long id, String body, byte[] data) {
    }

    @TempDir
    Path dir;
    private DatabaseCredentials db;

    @AfterEach
    void closePool() {
        SqlPools.close(db);
    }

    @Test
    void clobAndBlobColumnsAreReadAsTextAndBytes() {
        db = DatabaseCredentials.of("jdbc:h2:file:" + dir.resolve("docs"), "sa", Secret.of(""));
        SqlTasks.execute().run(db, SqlStatement.of("create table docs (id bigint primary key, body clob, data blob)"));
        String body = "caf\u00e9 \uD83D\uDE00 ".repeat(100_000);   // a megabyte and more: kept outside the row by H2
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        SqlTasks.load().run(db, LoadSpec.into("docs"), List.of(new Doc(1, body, data)));

        Map<String, Object> row = SqlTasks.fetchOne().run(db, SqlStatement.of("select * from docs")).orElseThrow();
        assertThat(row.get("BODY")).isInstanceOf(String.class).isEqualTo(body);
        assertThat(row.get("DATA")).isInstanceOf(byte[].class).isEqualTo(data);

        List<Map<String, Object>> streamed = new java.util.ArrayList<>();
        SqlTasks.stream().run(db, SqlStatement.of("select body from docs"), streamed::add);
        assertThat(streamed.get(0).get("BODY")).isEqualTo(body);
    }
}
