package dev.sluice.internal.blocks;

import dev.sluice.block.Block;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockTypeProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The block types a runtime knows by slug: those listed by {@link BlockTypeProvider}s found with
 * {@link ServiceLoader}, plus every block class used with {@code Blocks} or registered.
 */
public final class BlockTypes {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.block.Blocks");
    private final Map<String, Class<? extends Block>> BY_SLUG = new ConcurrentHashMap<>();
    private volatile boolean discovered;

    public BlockTypes() {
    }

    /**
     * Registers {@code type} and returns its slug.
     *
     * @throws IllegalArgumentException if it is not a record implementing Block with a valid
     *         {@code @BlockType}, or another class already has its slug
     */
    public String register(Class<? extends Block> type) {
        if (!Block.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " does not implement dev.sluice.block.Block");
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException("block type " + type.getName() + " must be a record");
        }
        String slug = BlockId.slugOf(type);
        Class<? extends Block> previous = BY_SLUG.putIfAbsent(slug, type);
        if (previous != null && !previous.equals(type)) {
            if (previous.getName().equals(type.getName())) {
                BY_SLUG.put(slug, type); // same class from another class loader (a reloaded application)
            } else {
                throw new IllegalArgumentException("block type slug '" + slug + "' is used by both "
                        + previous.getName() + " and " + type.getName() + "; give one of them another @BlockType");
            }
        }
        return slug;
    }

    /** The class registered for {@code slug}. */
    public Optional<Class<? extends Block>> find(String slug) {
        discover();
        return Optional.ofNullable(BY_SLUG.get(slug));
    }

    /** Every known slug with its class, sorted by slug. */
    public Map<String, Class<? extends Block>> all() {
        discover();
        return new TreeMap<>(BY_SLUG);
    }

    private void discover() {
        if (discovered) {
            return;
        }
        synchronized (this) {
            if (discovered) {
                return;
            }
            List<ClassLoader> loaders = new ArrayList<>();
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                loaders.add(context);
            }
            ClassLoader own = BlockTypes.class.getClassLoader();
            if (own != null && own != context) {
                loaders.add(own);
            }
            for (ClassLoader loader : loaders) {
                load(loader);
            }
            discovered = true;
        }
    }

    private void load(ClassLoader loader) {
        var it = ServiceLoader.load(BlockTypeProvider.class, loader).iterator();
        while (true) {
            BlockTypeProvider provider;
            try {
                if (!it.hasNext()) {
                    return;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                LOG.warn("a dev.sluice.block.BlockTypeProvider could not be loaded; its block types are unknown by slug", e);
                continue;
            }
            for (Class<? extends Block> type : provider.blockTypes()) {
                try {
                    register(type);
                } catch (IllegalArgumentException e) {
                    LOG.warn("block type {} listed by {} ignored: {}", type.getName(), provider.getClass().getName(),
                            e.getMessage());
                }
            }
        }
    }
}
