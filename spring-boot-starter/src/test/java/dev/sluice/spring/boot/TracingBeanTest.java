package dev.sluice.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.RunRecorder;
import dev.sluice.SluiceRuntime;
import dev.sluice.opentelemetry.SluiceTracing;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.RunStatus;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * docs/spring-boot.md, "Traces": with {@code sluice-opentelemetry} and an {@code OpenTelemetry} bean, the one
 * {@link RunRecorder} bean the guide shows puts a span around every run of the application's runtime and of the
 * worker.
 */
class TracingBeanTest {
    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();

    @TempDir
    Path home;

    @Test
    void theTracingRecorderBeanSpansTheRunsOfTheRuntimeAndOfTheWorker() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class))
                .withUserConfiguration(Tracing.class)
                .withPropertyValues("sluice.home=" + home, "sluice.replace-default-runtime=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    context.getBean(SluiceRuntime.class).run(Flow.of("greeter", (String who) -> "hello " + who), "spring");
                    DeploymentClient client = context.getBean(DeploymentClient.class);
                    String id = client.trigger("hello");
                    assertThat(client.awaitFinished(id, Duration.ofSeconds(60))).get()
                            .extracting(DeploymentRun::status).isEqualTo(RunStatus.COMPLETED);
                    assertThat(SPANS.getFinishedSpanItems()).extracting(SpanData::getName)
                            .contains("flow greeter", "flow hello");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Tracing {
        @Bean
        OpenTelemetry openTelemetry() {
            return OpenTelemetrySdk.builder()
                    .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build())
                    .build();
        }

        @Bean
        RunRecorder sluiceTracing(OpenTelemetry openTelemetry) {
            return SluiceTracing.recorder(openTelemetry);
        }

        @Bean
        Deployment hello() {
            return Deployment.of(Flow.of("hello", () -> "hello"));
        }
    }
}
