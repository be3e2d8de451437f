package dev.sluice.internal.blocks;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stores tried in order; see {@link BlockStore#chain}. */
public final class ChainBlockStore implements BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.block.Blocks");
    private final List<BlockStore> stores;

    public ChainBlockStore(List<BlockStore> stores) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one store");
        }
        for (BlockStore s : stores) {
            Objects.requireNonNull(s, "store");
        }
        this.stores = List.copyOf(stores);
    }

    /** The stores, in order. */
    public List<BlockStore> stores() {
        return stores;
    }

    @Override
    public Optional<String> read(BlockId id) {
        for (BlockStore s : stores) {
            Optional<String> doc = s.read(id);
            if (doc.isPresent()) {
                return doc;
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        List<BlockStore> shadowing = new ArrayList<>();
        for (BlockStore s : stores) {
            if (s.isWritable()) {
                boolean written = s.write(id, document, overwrite);
                if (written && !shadowing.isEmpty()) {
                    LOG.warn("block '{}' was saved to {}, but {} also has it and is read first: loading it gives"
                            + " that one", id, s.description(), shadowing.get(0).description());
                }
                return written;
            }
            if (s.read(id).isPresent()) {
                if (!overwrite) {
                    return false;
                }
                shadowing.add(s);
            }
        }
        throw new BlockException("cannot save block '" + id + "': no store of " + description() + " is writable");
    }

    @Override
    public boolean delete(BlockId id) {
        boolean any = false;
        boolean writable = false;
        for (BlockStore s : stores) {
            if (s.isWritable()) {
                writable = true;
                any |= s.delete(id);
            }
        }
        if (!writable) {
            throw new BlockException("cannot delete block '" + id + "': no store of " + description() + " is writable");
        }
        return any;
    }

    @Override
    public List<BlockId> list() {
        TreeSet<BlockId> ids = new TreeSet<>();
        for (BlockStore s : stores) {
            ids.addAll(s.list());
        }
        return List.copyOf(ids);
    }

    @Override
    public boolean isWritable() {
        for (BlockStore s : stores) {
            if (s.isWritable()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String description() {
        List<String> parts = new ArrayList<>();
        for (BlockStore s : stores) {
            parts.add(s.description());
        }
        return "chain " + parts;
    }

    @Override
    public String toString() {
        return description();
    }
}
