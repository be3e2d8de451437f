/**
 * Shared contract tests, shipped in the {@code sluice-core} test-jar: every {@link dev.sluice.block.BlockStore}
 * extends {@link dev.sluice.testkit.BlockStoreContract}, every {@link dev.sluice.notify.Notifier}
 * {@link dev.sluice.testkit.NotifierContract}.
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.sluice</groupId>
 *   <artifactId>sluice-core</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 */
@NullMarked
package dev.sluice.testkit;

import org.jspecify.annotations.NullMarked;
