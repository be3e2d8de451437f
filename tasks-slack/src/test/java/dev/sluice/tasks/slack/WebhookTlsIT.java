package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A webhook server whose certificate the JVM does not trust: refused once, said so, not retried. */
class WebhookTlsIT {
    @TempDir
    Path home;

    @Test
    void anUntrustedCertificateIsNotRetriedNorCalledAMaybeDelivery() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort().dynamicHttpsPort()
                .bindAddress("127.0.0.1"));
        server.start();
        List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(home).blockStore(BlockStore.inMemory())
                .resultStore(ResultStore.inMemory()).sleeper(slept::add).build()) {
            server.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withBody("ok")));
            SlackWebhook webhook = SlackWebhook.of(Secret.of("https://127.0.0.1:" + server.httpsPort()
                    + "/services/T0/B0/tls"));

            Throwable e = catchThrowable(() -> runtime.run(() -> webhook.send(Notification.of("s", "b", Severity.ERROR))));

            assertThat(e).isInstanceOf(SlackException.class).hasMessageContaining("tls_certificate")
                    .hasMessageContaining("nothing was sent");
            assertThat(((SlackException) e).isRetryable()).isFalse();
            assertThat(slept).isEmpty();
            assertThat(server.getAllServeEvents()).isEmpty();
        } finally {
            server.stop();
        }
    }
}
