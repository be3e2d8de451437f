package dev.sluice.tasks.email.internal;

import dev.sluice.Block;
import dev.sluice.SluiceException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Loads a block by name from the block store ({@code dev.sluice.Blocks.load(Class, String)}).
 * Looked up reflectively so this module builds against a core without the store; once the store
 * is part of core this becomes a direct call.
 */
public final class BlockLookup {
    private BlockLookup() {
    }

    /**
     * The block of {@code type} saved as {@code name}.
     *
     * @throws SluiceException if there is no block store, or the store's own error (e.g. not found)
     */
    public static <B extends Block> B load(Class<B> type, String name) {
        Method load;
        try {
            load = Class.forName("dev.sluice.Blocks").getMethod("load", Class.class, String.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new SluiceException("cannot load block '" + name + "' of type " + type.getSimpleName()
                    + ": this Sluice core has no block store (dev.sluice.Blocks); pass the block itself instead of its name", e);
        }
        try {
            return type.cast(load.invoke(null, type, name));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new SluiceException("loading block '" + name + "' failed: " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new SluiceException("cannot call dev.sluice.Blocks.load for block '" + name + "'", e);
        }
    }
}
