package dev.sluice;

import dev.sluice.internal.Frame;
import dev.sluice.internal.Spec;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Tag scopes: every run started inside {@code Tags.with(...)} on this thread (and the runs those
 * submit) carries the tags.
 *
 * <pre>{@code
 * int rows = Tags.with("env:prod", () -> etl.run("Boston"));
 * }</pre>
 */
public final class Tags {
    private Tags() {
    }

    /** Runs {@code body} with {@code tag} in force and returns its result. */
    public static <T> T with(String tag, Supplier<T> body) {
        return with(List.of(Spec.checkTag(tag)), body);
    }

    /** Runs {@code body} with {@code tags} in force and returns its result. */
    public static <T> T with(Collection<String> tags, Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        Frame previous = Frame.enter(Frame.current().withTags(check(tags)));
        try {
            return body.get();
        } finally {
            Frame.restore(previous);
        }
    }

    /** Runs {@code body} with {@code tag} in force. */
    public static void with(String tag, Runnable body) {
        Objects.requireNonNull(body, "body");
        with(List.of(Spec.checkTag(tag)), () -> {
            body.run();
            return null;
        });
    }

    /** The tags in force on this thread. */
    public static Set<String> current() {
        return Frame.current().tags();
    }

    private static Set<String> check(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags");
        Set<String> set = new LinkedHashSet<>();
        for (String t : tags) {
            set.add(Spec.checkTag(t));
        }
        return set;
    }
}
