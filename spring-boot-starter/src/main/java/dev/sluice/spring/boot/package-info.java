/**
 * Spring Boot auto-configuration for Sluice (tested with Spring Boot 4.0.7): with
 * {@code sluice-spring-boot-starter} on the class path, an application gets a {@link dev.sluice.SluiceRuntime}
 * recording into a run history (the application's database or {@code $SLUICE_HOME/sluice.db}), a worker
 * serving every {@link dev.sluice.scheduler.Deployment} bean, a {@link dev.sluice.scheduler.DeploymentClient},
 * the dashboard when {@code sluice.server.enabled=true}, and a health indicator. Every bean backs off when
 * the application defines its own; {@link dev.sluice.spring.boot.SluiceProperties} lists the {@code sluice.*}
 * properties.
 */
@NullMarked
package dev.sluice.spring.boot;

import org.jspecify.annotations.NullMarked;
