package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dashboard example starts a server on a free port, prints its URL and the new key, and stops. */
class ServerExampleTest {
    @Test
    void theExampleStartsTheDashboard() throws Exception {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            ServerExample.main(new String[] {"0"});
        } finally {
            System.setOut(out);
        }
        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("API key for 'ops' (shown once): sluice_").contains("Sluice server: http://127.0.0.1:")
                .contains("log in at http://127.0.0.1:");
    }
}
