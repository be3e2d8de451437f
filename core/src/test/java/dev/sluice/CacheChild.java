package dev.sluice;

import dev.sluice.cache.CachePolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A separate program for {@link CacheAcrossProcessesTest}: runs a slow cached task once with the
 * default file store (home from {@code -Dsluice.home}) and prints what happened.
 * Arguments: the file each body call appends a line to, and the body's sleep in milliseconds.
 */
final class CacheChild {
    private CacheChild() {
    }

    public static void main(String[] args) throws Exception {
        Path calls = Path.of(args[0]);
        long sleep = Long.parseLong(args[1]);
        Task<String, Integer> task = Task.of("cross-process", (String s) -> {
            Files.writeString(calls, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Thread.sleep(sleep);
            return s.length() * 2;
        }).withCache(CachePolicy.inputs());
        TaskFuture<Integer> f = task.submit("sluice");
        Integer result = f.join();
        TaskRun run = f.run();
        System.out.println("STATE=" + run.state());
        System.out.println("RESULT=" + result);
        System.out.println("RUN=" + run.id());
        System.out.println("KEY=" + run.cacheKey().orElse(""));
        System.out.println("FROM=" + run.cachedFromRunId().orElse(""));
        System.exit(0);
    }
}
