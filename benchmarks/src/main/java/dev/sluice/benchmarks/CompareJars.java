package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same JMH benchmarks from two benchmark jars (say, the previous commit's and this one's)
 * in alternating JVMs, round by round (which jar goes first alternates too), so the load of a
 * shared machine falls on both alike, and prints each benchmark's median score per side and the
 * ratio new / base, with the load average before and after.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.CompareJars \
 *     BASE.jar NEW.jar ROUNDS 'TaskOverheadBenchmark.taskRunsInAFlow|CacheBenchmark'
 * </pre>
 *
 * Each round runs {@code -f 1 -wi 2 -w 1 -i 3 -r 1 -bm avgt} (override with a fifth argument). The
 * last lines are {@code RATIO <benchmark> <new/base>}: below 1 the new jar is faster.
 */
public final class CompareJars {
    private CompareJars() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: CompareJars BASE.jar NEW.jar ROUNDS REGEX [JMH options]");
            System.exit(2);
        }
        Path base = Path.of(args[0]);
        Path fresh = Path.of(args[1]);
        int rounds = Integer.parseInt(args[2]);
        String regex = args[3];
        String options = args.length > 4 ? args[4] : "-f 1 -wi 2 -w 1 -i 3 -r 1 -bm avgt";
        String loadBefore = load();
        Map<String, List<Double>> baseScores = new LinkedHashMap<>();
        Map<String, List<Double>> newScores = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            boolean baseFirst = round % 2 == 0;
            for (int side = 0; side < 2; side++) {
                boolean isBase = (side == 0) == baseFirst;
                Map<String, double[]> scores = run(isBase ? base : fresh, regex, options, units);
                scores.forEach((name, s) -> (isBase ? baseScores : newScores).computeIfAbsent(name, k -> new ArrayList<>()).add(s[0]));
            }
            System.out.printf(Locale.ROOT, "round %d of %d done (load %s)%n", round + 1, rounds, load());
        }
        String loadAfter = load();
        System.out.printf(Locale.ROOT, "%n%-55s %14s %14s %8s%n", "benchmark (median of " + rounds + " JVMs each)",
                "base", "new", "new/base");
        List<String> ratios = new ArrayList<>();
        for (String name : baseScores.keySet()) {
            List<Double> b = baseScores.get(name);
            List<Double> n = newScores.get(name);
            if (n == null) {
                continue;
            }
            double mb = median(b);
            double mn = median(n);
            String unit = units.getOrDefault(name, "");
            System.out.printf(Locale.ROOT, "%-55s %10.3f %-3s %10.3f %-3s %8.3f%n", name, mb, unit, mn, unit, mn / mb);
            ratios.add(String.format(Locale.ROOT, "RATIO %s %.3f", name, mn / mb));
        }
        System.out.println();
        System.out.println("load average before: " + loadBefore + "; after: " + loadAfter);
        ratios.forEach(System.out::println);
    }

    private static Map<String, double[]> run(Path jar, String regex, String options, Map<String, String> units)
            throws IOException, InterruptedException {
        Path csv = Files.createTempFile("jmh-", ".csv");
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString(), regex));
        cmd.addAll(List.of(options.split("\\s+")));
        cmd.addAll(List.of("-rf", "csv", "-rff", csv.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("JMH failed for " + jar + " (exit " + p.exitValue() + ")");
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            // "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit"
            String[] f = line.split(",");
            String name = f[0].replace("\"", "").replaceAll("^.*\\.benchmarks\\.", "");
            scores.put(name, new double[] {Double.parseDouble(f[4])});
            units.put(name, f[f.length - 1].replace("\"", ""));
        }
        Files.deleteIfExists(csv);
        return scores;
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
