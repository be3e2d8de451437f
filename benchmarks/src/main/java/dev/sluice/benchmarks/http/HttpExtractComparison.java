package dev.sluice.benchmarks.http;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The same comparison as {@link HttpExtractBenchmark}, interleaved: each round runs every variant
 * once, in rotating order, so a busy machine slows all of them alike; the table gives medians and the
 * median of the per-round ratios to the hand-written loop (for {@code run()}, to the hand-written loop
 * that also collects a list).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.sluice.benchmarks.http.HttpExtractComparison [rounds] [warmup]
 * </pre>
 */
public final class HttpExtractComparison {
    private HttpExtractComparison() {
    }

    @FunctionalInterface
    interface Variant {
        void run(HttpExtractBenchmark b, Blackhole bh) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("hand-written HttpClient + Jackson loop", HttpExtractBenchmark::handWrittenLoop);
        variants.put("HttpExtract.stream()", HttpExtractBenchmark::extractStream);
        variants.put("hand-written loop into a list", (b, bh) -> bh.consume(b.handWrittenList()));
        variants.put("HttpExtract.run() (task run, list)", (b, bh) -> bh.consume(b.extractRun()));
        variants.put("HttpExtract.concurrency(4).stream()", HttpExtractBenchmark::extractStreamConcurrent4);
        Blackhole bh = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        System.out.printf("%d pages x %d records, %d rounds after %d warm-up rounds%n",
                HttpExtractBenchmark.PAGES, HttpExtractBenchmark.PER_PAGE, rounds, warmup);
        for (int latency : new int[] {0, 5}) {
            HttpExtractBenchmark b = new HttpExtractBenchmark();
            b.latencyMs = latency;
            b.start();
            try {
                List<String> names = new ArrayList<>(variants.keySet());
                double[][] ms = new double[names.size()][rounds];
                for (int r = -warmup; r < rounds; r++) {
                    for (int k = 0; k < names.size(); k++) {
                        int v = Math.floorMod(k + r, names.size());
                        long t0 = System.nanoTime();
                        variants.get(names.get(v)).run(b, bh);
                        double took = (System.nanoTime() - t0) / 1e6;
                        if (r >= 0) {
                            ms[v][r] = took;
                        }
                    }
                }
                System.out.printf("%nserver latency %d ms per page%n", latency);
                System.out.printf("%-40s %10s %10s %10s %14s%n", "variant", "median ms", "p25 ms", "p75 ms", "ratio");
                for (int v = 0; v < names.size(); v++) {
                    // run() builds a list: compared with the hand-written loop that builds one too
                    int baseline = names.get(v).contains("run()") ? names.indexOf("hand-written loop into a list") : 0;
                    double[] ratios = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratios[r] = ms[v][r] / ms[baseline][r];
                    }
                    System.out.printf("%-40s %10.1f %10.1f %10.1f %14.3f%n", names.get(v), pct(ms[v], 50),
                            pct(ms[v], 25), pct(ms[v], 75), pct(ratios, 50));
                }
            } finally {
                b.stop();
            }
        }
    }

    private static double pct(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.round((s.length - 1) * p / 100.0))];
    }
}
