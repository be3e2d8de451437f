package dev.sluice.tasks.sql.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import dev.sluice.tasks.sql.DatabaseCredentials;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standard {@code MERGE ... USING (VALUES ...)} upsert, for databases that are neither PostgreSQL nor H2, run on H2. */
class StandardMergeTest {
    @Test
    void upsertsAndCountsWithStandardMerge() throws Exception {
        DatabaseCredentials db = DatabaseCredentials.of("jdbc:h2:mem:stdmerge;DB_CLOSE_DELAY=-1", "sa", Secret.of(""));
        try (Connection conn = DriverManager.getConnection(db.jdbcUrl(), "sa", "")) {
            try (Statement st = conn.createStatement()) {
                st.execute("create table items (id int primary key, label varchar(20), qty int)");
                st.execute("insert into items values (1, 'old', 1), (2, 'old', 2)");
            }
            List<Object> rows = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                rows.add(Map.of("id", i, "label", "new" + i, "qty", i * 10));
            }
            List<String> columns = List.of("id", "label", "qty");
            Target target = Target.resolve(conn, "items", columns, db);
            conn.setAutoCommit(false);
            try (Writers.Writer writer = Writers.merge(conn, Dialect.OTHER, target, List.of("id"),
                    Values.reader(rows.get(0), columns))) {
                Cursor cursor = new Cursor(rows.get(0), rows.subList(1, rows.size()).iterator(), 0);
                cursor.startBatch(100);
                Writers.Counts counts = writer.write(cursor);
                assertThat(counts.inserted()).isEqualTo(2);
                assertThat(counts.updated()).isEqualTo(2);
            }
            conn.commit();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("select id, label, qty from items order by id")) {
                for (int i = 1; i <= 4; i++) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(i);
                    assertThat(rs.getString(2)).isEqualTo("new" + i);
                    assertThat(rs.getInt(3)).isEqualTo(i * 10);
                }
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
