package dev.sluice.block;

import java.util.Map;

/**
 * Makes a {@link BlockStore} selectable by name in {@code SLUICE_BLOCK_STORE} (for example
 * {@code SLUICE_BLOCK_STORE=aws-secrets-manager,file}). Found with {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/dev.sluice.block.BlockStoreProvider}.
 */
public interface BlockStoreProvider {
    /** The name used in {@code SLUICE_BLOCK_STORE}: lowercase letters, digits and '-'. */
    String name();

    /** A store configured from {@code environment} (the process environment, or a test's map). */
    BlockStore create(Map<String, String> environment);
}
