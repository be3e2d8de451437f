package dev.sluice.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Side-by-side timing in one JVM: every round runs each variant once, in an order that rotates
 * from round to round, so the load of a shared machine falls on all of them alike. A variant is a
 * batch of operations repeated until it has run for at least the batch time; its figure for the
 * round is nanoseconds per operation. Ratios are taken within a round, then their median reported.
 */
public final class Interleaved {
    /** One batch of a variant: runs {@code ops} operations and returns a value the JIT must keep. */
    @FunctionalInterface
    public interface Batch {
        long run(int ops) throws Exception;
    }

    private final Map<String, Batch> variants = new LinkedHashMap<>();
    private final Map<String, Integer> opsPerBatch = new LinkedHashMap<>();
    private final Map<String, double[]> nsPerOp = new LinkedHashMap<>();
    private long sink;

    /** Adds a variant whose batch runs {@code ops} operations per call. */
    public Interleaved add(String name, int ops, Batch batch) {
        variants.put(name, batch);
        opsPerBatch.put(name, ops);
        return this;
    }

    /**
     * Runs {@code warmup} unrecorded rounds, then {@code rounds} recorded ones; each variant repeats
     * its batch until {@code minMillis} have passed in the round.
     */
    public Interleaved run(int warmup, int rounds, long minMillis) throws Exception {
        List<String> names = new ArrayList<>(variants.keySet());
        for (String n : names) {
            nsPerOp.put(n, new double[rounds]);
        }
        for (int r = -warmup; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(k + r, names.size()));
                Batch b = variants.get(name);
                int ops = opsPerBatch.get(name);
                long done = 0;
                long t0 = System.nanoTime();
                long elapsed;
                do {
                    sink += b.run(ops);
                    done += ops;
                    elapsed = System.nanoTime() - t0;
                } while (elapsed < minMillis * 1_000_000L);
                if (r >= 0) {
                    nsPerOp.get(name)[r] = (double) elapsed / done;
                }
            }
            if (r >= 0) {
                System.out.printf(Locale.ROOT, "round %d/%d done (load %s)%n", r + 1, rounds, load());
            }
        }
        if (sink == 42) {
            System.out.println();
        }
        return this;
    }

    /** The per-round figures of {@code name}, ns per operation. */
    public double[] figures(String name) {
        return nsPerOp.get(name);
    }

    /** The median of {@code name}'s ns per operation. */
    public double median(String name) {
        return percentile(nsPerOp.get(name), 50);
    }

    /** The median over rounds of {@code a / b} in the same round. */
    public double ratio(String a, String b) {
        double[] x = nsPerOp.get(a);
        double[] y = nsPerOp.get(b);
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] / y[i];
        }
        return percentile(r, 50);
    }

    /** The median over rounds of {@code a - b} in the same round, ns. */
    public double difference(String a, String b) {
        double[] x = nsPerOp.get(a);
        double[] y = nsPerOp.get(b);
        double[] d = new double[x.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = x[i] - y[i];
        }
        return percentile(d, 50);
    }

    /** Prints one line per variant: median, p25, p75 in ns per operation. */
    public void print() {
        System.out.printf(Locale.ROOT, "%n%-58s %14s %12s %12s%n", "variant", "median ns/op", "p25", "p75");
        nsPerOp.forEach((name, v) -> System.out.printf(Locale.ROOT, "%-58s %14.1f %12.1f %12.1f%n", name,
                percentile(v, 50), percentile(v, 25), percentile(v, 75)));
    }

    public static double percentile(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.round((s.length - 1) * p / 100.0))];
    }

    /** The load average (1, 5, 15 min) from {@code /proc/loadavg}. */
    public static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * When the system property {@code forks} is above 1, runs {@code main} with {@code args} in that
     * many fresh JVMs one after the other (same class path, {@code -Xms2g -Xmx2g} unless
     * {@code forkJvmArgs} says otherwise), prints their figures, then one {@code RATIO}/{@code FIGURE}
     * line per name with the median over the JVMs, and returns true. A single JVM's JIT decisions move
     * a peer library's figures by 2x from one JVM to the next; the median over JVMs does not.
     */
    public static boolean forked(Class<?> main, String[] args) throws Exception {
        int forks = Integer.getInteger("forks", 1);
        if (forks <= 1) {
            return false;
        }
        String jvmArgs = System.getProperty("forkJvmArgs", "-Xms2g -Xmx2g");
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        String loadBefore = load();
        for (int f = 0; f < forks; f++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(List.of(jvmArgs.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
            if (p.waitFor() != 0) {
                out.forEach(System.out::println);
                throw new IllegalStateException("fork " + (f + 1) + " failed");
            }
            System.out.printf(Locale.ROOT, "fork %d of %d (load %s):%n", f + 1, forks, load());
            for (String line : out) {
                String[] w = line.split(" ");
                if ((w[0].equals("RATIO") || w[0].equals("FIGURE")) && w.length >= 3) {
                    System.out.println("  " + line);
                    values.computeIfAbsent(w[1], k -> new ArrayList<>()).add(Double.parseDouble(w[2]));
                    kinds.put(w[1], w[0]);
                    units.put(w[1], w.length > 3 ? w[3] : "");
                }
            }
        }
        System.out.println("\nload average before: " + loadBefore + "; after: " + load());
        System.out.println("median over " + forks + " JVMs:");
        values.forEach((name, v) -> {
            double m = percentile(v.stream().mapToDouble(Double::doubleValue).toArray(), 50);
            System.out.printf(Locale.ROOT, "%s %s %.3f%s%n", kinds.get(name), name, m,
                    units.get(name).isEmpty() ? "" : " " + units.get(name));
        });
        return true;
    }

    /** Prints a {@code RATIO name value} line. */
    public static void ratioLine(String name, double value) {
        System.out.printf(Locale.ROOT, "RATIO %s %.3f%n", name, value);
    }

    /** Prints a {@code FIGURE name value unit} line. */
    public static void figureLine(String name, double value, String unit) {
        System.out.printf(Locale.ROOT, "FIGURE %s %.3f %s%n", name, value, unit);
    }
}
