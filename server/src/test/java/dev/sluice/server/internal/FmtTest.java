package dev.sluice.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.block.Secret;
import org.junit.jupiter.api.Test;

/** Text the pages show cut short (a task run's name in the Gantt chart) is masked before it is cut. */
class FmtTest {
    @Test
    void aSecretAcrossTheCutIsMaskedNotHalfShown() {
        String secret = Secret.of("gantt-secret-" + System.nanoTime()).reveal();

        String shown = Fmt.cut("load-" + secret + "-orders", 28);

        assertThat(shown).startsWith("load-**********").doesNotContain("gantt-secret");
    }
}
