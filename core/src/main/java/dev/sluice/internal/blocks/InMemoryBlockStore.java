package dev.sluice.internal.blocks;

import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Documents in a map; for tests and for programs that build their blocks at start-up. */
public final class InMemoryBlockStore implements BlockStore {
    private final ConcurrentHashMap<BlockId, String> documents = new ConcurrentHashMap<>();

    @Override
    public Optional<String> read(BlockId id) {
        return Optional.ofNullable(documents.get(id));
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        String normalized = Documents.print(Documents.parseObject(document, "the document for block '" + id + "'"));
        if (overwrite) {
            documents.put(id, normalized);
            return true;
        }
        return documents.putIfAbsent(id, normalized) == null;
    }

    @Override
    public boolean delete(BlockId id) {
        return documents.remove(id) != null;
    }

    @Override
    public List<BlockId> list() {
        List<BlockId> ids = new ArrayList<>(documents.keySet());
        Collections.sort(ids);
        return List.copyOf(ids);
    }

    @Override
    public String description() {
        return "in-memory store";
    }

    @Override
    public String toString() {
        return description();
    }
}
