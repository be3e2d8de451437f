package dev.sluice.internal.blocks;

import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockException;
import dev.sluice.block.BlockId;
import dev.sluice.block.BlockStore;
import dev.sluice.block.BlockStoreUnavailableException;
import dev.sluice.internal.Masker;
import dev.sluice.internal.Texts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores tried in order; see {@link BlockStore#chain}. A store that throws
 * {@link BlockStoreUnavailableException} on a read or a list is skipped: the chain reads from the
 * next stores, logs a warning naming it (once per outage), and leaves it out of reads and lists for
 * {@link #RECHECK_AFTER} before asking it again, so an outage costs one store timeout per period,
 * not one per load. Writes and deletes never skip a store: a block is never saved to another store
 * than the one it belongs in.
 */
public final class ChainBlockStore implements BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger("dev.sluice.block.Blocks");
    /** System property: how long an unavailable store is left out of reads (ISO-8601 or seconds; default 30 s). */
    public static final String RECHECK_PROPERTY = "sluice.blockStore.recheckAfter";
    /** How long an unavailable store is left out of reads and lists before it is asked again. */
    public static final Duration RECHECK_AFTER = recheckAfter(System.getProperty(RECHECK_PROPERTY));

    private final List<BlockStore> stores;
    /** Per store (same index): the outage it is in, or null while it answers. */
    private final AtomicReferenceArray<@Nullable Outage> outages;

    private record Outage(Instant since, Instant recheckAt, String reason) {
    }

    public ChainBlockStore(List<BlockStore> stores) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one store");
        }
        for (BlockStore s : stores) {
            Objects.requireNonNull(s, "store");
        }
        this.stores = List.copyOf(stores);
        this.outages = new AtomicReferenceArray<>(this.stores.size());
    }

    static Duration recheckAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(30);
        }
        String v = value.strip();
        try {
            Duration d = v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            if (!d.isNegative()) {
                return d;
            }
        } catch (RuntimeException e) {
            // fall through to the warning
        }
        LOG.warn("system property {}='{}' is not a duration (seconds or ISO-8601 such as PT30S); using 30 s",
                RECHECK_PROPERTY, v);
        return Duration.ofSeconds(30);
    }

    /** The stores, in order. */
    public List<BlockStore> stores() {
        return stores;
    }

    @Override
    public Optional<String> read(BlockId id) {
        List<String> skipped = new ArrayList<>();
        BlockStoreUnavailableException first = null;
        for (int i = 0; i < stores.size(); i++) {
            BlockStore s = stores.get(i);
            if (restingAfterOutage(i, "read block '" + id + "'")) {
                skipped.add(s.description());
                continue;
            }
            Optional<String> doc;
            try {
                doc = s.read(id);
            } catch (BlockStoreUnavailableException e) {
                unavailable(i, e);
                skipped.add(s.description());
                first = first == null ? e : first;
                continue;
            }
            answered(i);
            if (doc.isPresent()) {
                if (!skipped.isEmpty()) {
                    LOG.debug("block '{}' read from {}; skipped, unavailable: {}", id, s.description(), skipped);
                }
                return doc;
            }
        }
        if (skipped.size() == stores.size()) {
            throw allUnavailable("read block '" + id + "'", first);
        }
        if (!skipped.isEmpty()) {
            LOG.warn("block '{}' is in none of the stores of the chain that answered; {} could not be asked"
                    + " (unavailable), so it may be saved there", id, skipped);
        }
        return Optional.empty();
    }

    @Override
    public boolean write(BlockId id, String document, boolean overwrite) {
        List<BlockStore> shadowing = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            BlockStore s = stores.get(i);
            if (s.isWritable()) {
                // never skipped: a block saved to another store than its own would be found in the wrong place later
                boolean written = s.write(id, document, overwrite);
                answered(i);
                if (written && !shadowing.isEmpty()) {
                    LOG.warn("block '{}' was saved to {}, but {} also has it and is read first: loading it gives"
                            + " that one", id, s.description(), shadowing.get(0).description());
                }
                return written;
            }
            Optional<String> existing;
            try {
                existing = s.read(id);
            } catch (BlockStoreUnavailableException e) {
                unavailable(i, e);
                LOG.warn("saving block '{}': could not check whether read-only store {} (read first) has it: {}",
                        id, s.description(), Masker.mask(e.getMessage()));
                continue;
            }
            if (existing.isPresent()) {
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
        for (int i = 0; i < stores.size(); i++) {
            BlockStore s = stores.get(i);
            if (s.isWritable()) {
                writable = true;
                any |= s.delete(id);
                answered(i);
            }
        }
        if (!writable) {
            throw new BlockException("cannot delete block '" + id + "': no store of " + description() + " is writable");
        }
        if (!any) {
            for (BlockStore s : stores) {
                if (!s.isWritable() && readsQuietly(s, id)) {
                    // "there was none" would be wrong: the block still loads from there
                    throw new BlockException("cannot delete block '" + id + "': it is in " + s.description()
                            + ", which is read-only; remove it there (for the environment store, unset "
                            + EnvironmentBlockStore.variable(id) + ")");
                }
            }
        }
        return any;
    }

    private static boolean readsQuietly(BlockStore s, BlockId id) {
        try {
            return s.read(id).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public List<BlockId> list() {
        TreeSet<BlockId> ids = new TreeSet<>();
        int skipped = 0;
        BlockStoreUnavailableException first = null;
        for (int i = 0; i < stores.size(); i++) {
            BlockStore s = stores.get(i);
            if (restingAfterOutage(i, "list blocks")) {
                skipped++;
                continue;
            }
            try {
                ids.addAll(s.list());
                answered(i);
            } catch (BlockStoreUnavailableException e) {
                unavailable(i, e);
                skipped++;
                first = first == null ? e : first;
            }
        }
        if (skipped == stores.size()) {
            throw allUnavailable("list blocks", first);
        }
        return List.copyOf(ids);
    }

    /** Whether store {@code i} is in an outage and not yet due to be asked again. */
    private boolean restingAfterOutage(int i, String what) {
        Outage o = outages.get(i);
        if (o == null || !now().isBefore(o.recheckAt())) {
            return false;
        }
        LOG.debug("{}: skipping {}, unavailable since {} ({}); asked again after {}", what, stores.get(i).description(),
                o.since(), o.reason(), o.recheckAt());
        return true;
    }

    private void unavailable(int i, BlockStoreUnavailableException e) {
        Instant now = now();
        String reason = Masker.mask(String.valueOf(e.getMessage()));
        Outage before = outages.getAndSet(i, new Outage(before(i, now), now.plus(RECHECK_AFTER), reason));
        if (before == null) {
            List<String> others = new ArrayList<>();
            for (int j = 0; j < stores.size(); j++) {
                if (j != i) {
                    others.add(stores.get(j).description());
                }
            }
            LOG.warn("block store {} is unavailable: {}; the chain reads blocks from its other stores {} and asks it again"
                    + " every {} until it answers (a block saved only there cannot be loaded meanwhile; saves to it fail)",
                    stores.get(i).description(), reason, others, Texts.human(RECHECK_AFTER));
        }
    }

    private Instant before(int i, Instant now) {
        Outage o = outages.get(i);
        return o == null ? now : o.since();
    }

    private void answered(int i) {
        Outage o = outages.getAndSet(i, null);
        if (o != null) {
            LOG.info("block store {} answers again (unavailable since {})", stores.get(i).description(), o.since());
        }
    }

    private BlockStoreUnavailableException allUnavailable(String what, @Nullable BlockStoreUnavailableException first) {
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < stores.size(); i++) {
            Outage o = outages.get(i);
            reasons.add(stores.get(i).description() + (o == null ? "" : ": " + o.reason()));
        }
        return new BlockStoreUnavailableException("cannot " + what + ": no store of the chain is available " + reasons
                + "; unavailable stores are asked again every " + Texts.human(RECHECK_AFTER), first);
    }

    private static Instant now() {
        return SluiceRuntime.current().clock().instant();
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
