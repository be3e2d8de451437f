package dev.sluice.tasks.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pgjdbc is an optional dependency: without it on the classpath, loads into other databases still work. */
class WithoutPgjdbcTest {
    @Test
    void loadsIntoH2WithoutPgjdbcOnTheClasspath() throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.replace('\\', '/').contains("/org/postgresql/postgresql/")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> Class.forName("org.postgresql.PGConnection", false, loader))
                    .isInstanceOf(ClassNotFoundException.class);
            Method run = Class.forName(Probe.class.getName(), true, loader).getDeclaredMethod("run");
            run.setAccessible(true);
            java.sql.DriverManager.getDrivers(); // let DriverManager find this loader's drivers first
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                assertThat(run.invoke(null)).isEqualTo("3 inserted, 0 updated");
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }

    /** Runs inside the class loader without pgjdbc. */
    static final class Probe {
        private Probe() {
        }

        static String run() throws ClassNotFoundException {
            // registers this loader's copy of the H2 driver with DriverManager
            Class.forName("org.h2.Driver", true, Probe.class.getClassLoader());
            DatabaseCredentials db = H2.newDatabase();
            try {
                H2.sql(db, "create table t (id int primary key, v varchar(10))");
                LoadResult r = SqlTasks.load().run(db, LoadSpec.into("t").withUpsertOn("id"),
                        List.of(Map.of("id", 1, "v", "a"), Map.of("id", 2, "v", "b"), Map.of("id", 3, "v", "c")));
                return r.inserted() + " inserted, " + r.updated() + " updated";
            } finally {
                SqlPools.close();
            }
        }
    }
}
