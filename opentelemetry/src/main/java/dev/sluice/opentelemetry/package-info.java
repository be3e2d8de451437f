/**
 * OpenTelemetry traces for Sluice: a span per flow run and task run, nested as the runs are (a task run's span
 * is a child of its flow run's or calling task run's, a subflow run's of its parent flow run's, a top-level
 * run's of the context current where it was started), with the trace context current inside every run's body
 * (so spans the body makes are children of the run's), on whatever thread it runs; and the W3C trace context
 * carried from {@code DeploymentClient.trigger(...)} to the flow run a worker starts for it.
 *
 * <pre>{@code
 * SluiceRuntime runtime = SluiceRuntime.builder().recorder(SluiceTracing.recorder(openTelemetry)).build();
 * Worker worker = Worker.builder(database).deployments(daily).recorder(SluiceTracing.recorder(openTelemetry)).start();
 * }</pre>
 */
@NullMarked
package dev.sluice.opentelemetry;

import org.jspecify.annotations.NullMarked;
