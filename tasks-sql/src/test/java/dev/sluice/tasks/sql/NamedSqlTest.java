package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.tasks.sql.internal.NamedSql;
import org.junit.jupiter.api.Test;

class NamedSqlTest {
    @Test
    void replacesParametersButNotCastsStringsOrComments() {
        NamedSql sql = NamedSql.parse("select a::text, ':x', \":y\" -- :z\n from t /* :w */ where id = :id and n = :name_2 or id = :id");
        assertThat(sql.jdbc()).isEqualTo("select a::text, ':x', \":y\" -- :z\n from t /* :w */ where id = ? and n = ? or id = ?");
        assertThat(sql.names()).containsExactly("id", "name_2", "id");
    }

    @Test
    void handlesDoubledQuotesInsideStrings() {
        NamedSql sql = NamedSql.parse("select 'it''s :no' , :yes");
        assertThat(sql.jdbc()).isEqualTo("select 'it''s :no' , ?");
        assertThat(sql.names()).containsExactly("yes");
    }

    @Test
    void leavesDollarQuotedTextAloneButNotIdentifiersWithDollars() {
        NamedSql sql = NamedSql.parse("select $$a:b$$, $t$ :c $$ $t$, col$1, :d, $1, $");
        assertThat(sql.jdbc()).isEqualTo("select $$a:b$$, $t$ :c $$ $t$, col$1, ?, $1, $");
        assertThat(sql.names()).containsExactly("d");
    }
}
