/**
 * A Spring Boot application with Sluice: a flow built from Spring beans, a deployment on a schedule, served
 * by {@code sluice-spring-boot-starter}'s worker.
 */
@NullMarked
package dev.sluice.examples.spring;

import org.jspecify.annotations.NullMarked;
