package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import dev.sluice.block.Secret;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Places where a password could leak from the SQL tasks: URLs shown in messages, HikariCP's debug log. */
class SecretLeaksTest {
    @Test
    void userInfoInTheJdbcUrlIsNeverShown() {
        DatabaseCredentials mysql = DatabaseCredentials.of("jdbc:mysql://etl:hunter2-url@db:3306/shop?ssl=true", "etl",
                Secret.of("pw"));
        assertThat(mysql.redactedUrl()).isEqualTo("jdbc:mysql://**********@db:3306/shop?...");
        assertThat(mysql.toString()).doesNotContain("hunter2-url");

        DatabaseCredentials oracle = DatabaseCredentials.of("jdbc:oracle:thin:scott/tiger-pw@//db:1521/orcl", "scott",
                Secret.of("pw"));
        assertThat(oracle.redactedUrl()).isEqualTo("jdbc:oracle:thin:**********@//db:1521/orcl");
        assertThat(oracle.toString()).doesNotContain("tiger-pw");
        DatabaseCredentials.of("jdbc:oracle:thin:scott/tiger-pw-77@127.0.0.1:1:orcl", "scott", Secret.of("pw"));
        assertThat(Secret.mask("Failed to get driver instance for jdbcUrl=jdbc:oracle:thin:scott/tiger-pw-77@127.0.0.1:1:orcl"))
                .as("the password of Oracle's user/password@ form is masked wherever it shows (a driver's cause)")
                .doesNotContain("tiger-pw-77");
        assertThat(Secret.mask("jdbcUrl=jdbc:oracle:thin:scott/tiger-pw@//db:1521/orcl")).doesNotContain("tiger-pw");

        assertThatThrownBy(() -> DatabaseCredentials.of("mysql://etl:hunter2-url@db/shop", "etl", Secret.of("pw")))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("hunter2-url");
    }

    /**
     * HikariCP logs its whole configuration at DEBUG when a pool starts ({@code HikariConfig.logConfiguration}):
     * every bean property, with only the property named exactly "password" masked in the driver
     * properties. This reads the properties the same way, so nothing it would print holds a secret.
     */
    @Test
    void hikariDebugConfigurationDumpHoldsNoSecret() {
        String password = "pool-password-77";
        String sslPassword = "ssl-key-password-88";
        DatabaseCredentials creds = DatabaseCredentials.of("jdbc:h2:mem:hikaridump;DB_CLOSE_DELAY=-1", "sa", Secret.of(password))
                .withDriverProperties(Map.of("IGNORE_UNKNOWN_SETTINGS", "TRUE", "sslpassword", sslPassword,
                        "apiToken", "token-value-99"));
        try {
            HikariDataSource ds = (HikariDataSource) SqlPools.dataSource(creds);
            StringBuilder dump = new StringBuilder();
            for (String name : new TreeSet<>(PropertyElf.getPropertyNames(HikariConfig.class))) {
                Object value = PropertyElf.getProperty(name, ds);
                if (name.equals("dataSourceProperties")) {
                    java.util.Properties p = PropertyElf.copyProperties((java.util.Properties) value);
                    p.setProperty("password", "<masked>");
                    value = p;
                } else if (name.contains("password")) {
                    value = "<masked>";
                }
                dump.append(name).append('=').append(value).append('\n');
            }
            assertThat(dump.toString()).doesNotContain(password).doesNotContain(sslPassword).doesNotContain("token-value-99");
        } finally {
            SqlPools.close(creds);
        }
    }
}
