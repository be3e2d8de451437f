package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class MaskerTest {

    @Test
    void aThrowableChainWithASecretIsCopiedMaskedWithCausesAndStacks() {
        String secret = "chain-secret-" + System.nanoTime();
        Masker.register(secret);
        IOException root = new IOException("bad password " + secret);
        IllegalStateException top = new IllegalStateException("wrapped", new RuntimeException("middle", root));

        Throwable masked = Masker.maskThrowable(top);

        assertThat(masked).isNotSameAs(top);
        assertThat(Masker.stackTrace(masked)).doesNotContain(secret);
        assertThat(masked.getMessage()).isEqualTo("java.lang.IllegalStateException: wrapped");
        assertThat(masked.getCause().getCause().getMessage()).isEqualTo("java.io.IOException: bad password **********");
        assertThat(masked.getCause().getCause().getStackTrace()).isEqualTo(root.getStackTrace());
    }

    @Test
    void aThrowableWithoutSecretsIsLeftAlone() {
        IllegalStateException plain = new IllegalStateException("nothing to hide", new IOException("io"));
        assertThat(Masker.maskThrowable(plain)).isSameAs(plain);
    }
}
