package dev.sluice.history;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a keyset-paginated answer: the items, and the cursor of the next page when there is
 * one. Pass the cursor to the query's {@code after(cursor)} to get the next page; a later page costs
 * what the first one does, however deep it is.
 *
 * @param items the items of this page, in the query's order
 * @param nextCursor the cursor of the next page, or {@code null} when this page is the last
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
    /** Copies {@code items}. */
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** The cursor of the next page, if there is one. */
    public Optional<String> next() {
        return Optional.ofNullable(nextCursor);
    }

    /** Whether there is a next page. */
    public boolean hasNext() {
        return nextCursor != null;
    }
}
