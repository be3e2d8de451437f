package dev.sluice.internal.blocks;

import dev.sluice.block.Block;
import dev.sluice.block.BlockId;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which block instances were loaded by name, by identity and weakly, so that saving a block that
 * holds a loaded block stores the nested block's name instead of a copy.
 */
public final class LoadedBlocks {
    private static final Map<Key, BlockId> IDS = new HashMap<>();
    private static final ReferenceQueue<Object> QUEUE = new ReferenceQueue<>();

    private LoadedBlocks() {
    }

    /** Remembers that {@code block} was loaded as {@code id}. */
    public static void remember(Block block, BlockId id) {
        synchronized (IDS) {
            expunge();
            IDS.put(new Key(block, QUEUE), id);
        }
    }

    /** The id {@code block} was loaded as, if this very instance was loaded by name. */
    public static @Nullable BlockId idOf(Object block) {
        synchronized (IDS) {
            expunge();
            return IDS.get(new Key(block, null));
        }
    }

    private static void expunge() {
        Object k;
        while ((k = QUEUE.poll()) != null) {
            IDS.remove(k);
        }
    }

    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, @Nullable ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(@Nullable Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof Key other)) {
                return false;
            }
            Object mine = get();
            return mine != null && mine == other.get();
        }
    }
}
