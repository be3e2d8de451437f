package dev.sluice.blocks.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the AWS SDK logging at DEBUG, as someone chasing a problem sets it, the request signer's
 * lines (the canonical request, with the session token) stay out of the log, and the rest of the
 * SDK's DEBUG output stays in. Each case runs in a JVM of its own, since a logger's level is set
 * when it is first used.
 */
class SigningLogsIT {
    @TempDir
    Path dir;

    private String run(String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=debug");
        command.add("-Dorg.slf4j.simpleLogger.log.software.amazon.awssdk=debug");
        command.addAll(List.of(properties));
        command.add(SigningLogsProbe.class.getName());
        Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("VALUE=the-value");
        return output;
    }

    @Test
    void theSessionTokenIsNotLoggedAtDebug() throws Exception {
        String output = run();

        assertThat(output).doesNotContain(SigningLogsProbe.TOKEN)
                .contains("DEBUG software.amazon.awssdk.request - Sending Request")
                .contains("logger software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner was at"
                        + " DEBUG")
                .doesNotContain("AWS4 Canonical Request");
    }

    @Test
    void onlyWhenAskedAreTheSigningLogsKept() throws Exception {
        String output = run("-Dsluice.aws.keepSigningLogs=true");

        assertThat(output).contains("AWS4 Canonical Request").contains("x-amz-security-token:" + SigningLogsProbe.TOKEN);
    }
}
