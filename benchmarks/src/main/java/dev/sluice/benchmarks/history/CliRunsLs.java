package dev.sluice.benchmarks.history;

import dev.sluice.benchmarks.Interleaved;
import dev.sluice.history.HistoryDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 18: {@code sluice runs ls} over a history of 1,000,000 flow runs, wall time including the
 * JVM's start, as a user types it ({@code bin/sluice}, which writes a class-data archive on its first
 * run), interleaved with the same command through {@code java -jar} without the archive. Target: 1.5 s.
 *
 * <pre>
 * ./mvnw -B -q package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.history.CliRunsLs [rounds] [flow runs] [folder to keep the database in]
 * </pre>
 */
public final class CliRunsLs {
    private CliRunsLs() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long flows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("sluice-cli-bench");
        Path root = Path.of("").toAbsolutePath();
        Path launcher = root.resolve("bin/sluice");
        Path jar = root.resolve("cli/target/sluice.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw -B package -DskipTests first (from the repository root)");
        }
        Path db = dir.resolve("sluice.db");
        if (!Files.exists(db)) {
            Generated data = new Generated(flows, 1);
            double s = data.fill(HistoryDatabase.sqlite(db), "jdbc:sqlite:" + db, "", false);
            System.out.printf(Locale.ROOT, "generated %,d flow runs in %.0f s into %s%n", flows, s, db);
        }
        Files.deleteIfExists(root.resolve("cli/target/sluice.jsa"));
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<List<String>> variants = List.of(
                List.of(launcher.toString(), "runs", "ls"),
                List.of(launcher.toString(), "runs", "ls", "--state", "FAILED", "--since", "7d", "--flow", "etl.orders.7"),
                List.of(javaBin, "-jar", jar.toString(), "runs", "ls"));
        String[] names = {"bin/sluice runs ls", "bin/sluice runs ls --state --since --flow", "java -jar sluice.jar runs ls (no archive)"};
        time(variants.get(0), dir); // the first run writes the class-data archive
        String loadBefore = Interleaved.load();
        double[][] ms = new double[variants.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < variants.size(); k++) {
                int v = (k + r) % variants.size();
                ms[v][r] = time(variants.get(v), dir);
            }
        }
        System.out.printf(Locale.ROOT, "%n%-44s %10s %10s %10s%n", "command (" + flows + " flow runs)", "median ms", "min ms", "max ms");
        List<String> lines = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            double[] sorted = ms[v].clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "%-44s %10.0f %10.0f %10.0f%n", names[v], Interleaved.percentile(ms[v], 50), sorted[0],
                    sorted[sorted.length - 1]);
        }
        System.out.println("\nload average before: " + loadBefore + "; after: " + Interleaved.load());
        System.out.printf(Locale.ROOT, "FIGURE cli.runs-ls.1m.wall %.0f ms%n", Interleaved.percentile(ms[0], 50));
        System.out.printf(Locale.ROOT, "FIGURE cli.runs-ls-filtered.1m.wall %.0f ms%n", Interleaved.percentile(ms[1], 50));
        System.out.printf(Locale.ROOT, "FIGURE cli.runs-ls-no-archive.1m.wall %.0f ms%n", Interleaved.percentile(ms[2], 50));
        System.out.printf(Locale.ROOT, "RATIO cli.runs-ls.archive/no-archive %.3f%n",
                Interleaved.percentile(ms[0], 50) / Interleaved.percentile(ms[2], 50));
        lines.forEach(System.out::println);
    }

    private static double time(List<String> command, Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SLUICE_HOME", home.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        double took = (System.nanoTime() - t0) / 1e6;
        if (code != 0 || out.lines().count() < 2) {
            throw new IllegalStateException(command + " exited " + code + ": " + out);
        }
        return took;
    }
}
