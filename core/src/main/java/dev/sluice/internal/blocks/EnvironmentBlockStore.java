package dev.sluice.internal.blocks;

import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Read-only blocks from environment variables {@code SLUICE_BLOCK_<SLUG>_<NAME>}, each holding the
 * block's JSON. Listing splits a variable name into slug and name using the block types this JVM
 * knows, longest slug first; {@code '-'} and {@code '_'} in names read the same.
 */
public final class EnvironmentBlockStore implements BlockStore {
    static final String PREFIX = "SLUICE_BLOCK_";
    private final Map<String, String> env;

    public EnvironmentBlockStore(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The variable holding block {@code id}. */
    public static String variable(BlockId id) {
        return PREFIX + upper(id.type()) + "_" + upper(id.name());
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public Optional<String> read(BlockId id) {
        String variable = variable(id);
        String value = env.get(variable);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(Documents.print(Documents.parseObject(value, "environment variable " + variable)));
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        throw readOnly("save block '" + id + "'");
    }

    @Override
    public boolean delete(BlockId id) {
        throw readOnly("delete block '" + id + "'");
    }

    private BlockException readOnly(String what) {
        return new BlockException("cannot " + what + ": the environment store is read-only; save it to a writable store"
                + " (SLUICE_BLOCK_STORE=env,file) or set the variable yourself");
    }

    @Override
    public boolean isWritable() {
        return false;
    }

    @Override
    public List<BlockId> list() {
        List<String> slugs = new ArrayList<>(dev.sluice.internal.RuntimeState.current().blockTypes().all().keySet());
        slugs.sort(Comparator.comparingInt(String::length).reversed());
        TreeSet<BlockId> ids = new TreeSet<>();
        for (String variable : env.keySet()) {
            if (!variable.startsWith(PREFIX)) {
                continue;
            }
            String rest = variable.substring(PREFIX.length());
            for (String slug : slugs) {
                String head = upper(slug) + "_";
                if (rest.startsWith(head) && rest.length() > head.length()) {
                    try {
                        ids.add(new BlockId(slug, rest.substring(head.length()).toLowerCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    break;
                }
            }
        }
        return List.copyOf(ids);
    }

    @Override
    public String description() {
        return "environment store (" + PREFIX + "<SLUG>_<NAME>)";
    }

    @Override
    public String toString() {
        return description();
    }
}
