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

    /** Runs {@code body} with both tags in force and returns its result: {@code Tags.with("env:prod", "team:sales", () -> ...)}. */
    public static <T> T with(String tag1, String tag2, Supplier<T> body) {
        return with(List.of(Spec.checkTag(tag1), Spec.checkTag(tag2)), body);
    }

    /** Runs {@code body} with the three tags in force and returns its result. */
    public static <T> T with(String tag1, String tag2, String tag3, Supplier<T> body) {
        return with(List.of(Spec.checkTag(tag1), Spec.checkTag(tag2), Spec.checkTag(tag3)), body);
    }

    /** Runs {@code body} with both tags in force. */
    public static void with(String tag1, String tag2, Runnable body) {
        with(List.of(Spec.checkTag(tag1), Spec.checkTag(tag2)), body);
    }

    /** Runs {@code body} with the three tags in force. */
    public static void with(String tag1, String tag2, String tag3, Runnable body) {
        with(List.of(Spec.checkTag(tag1), Spec.checkTag(tag2), Spec.checkTag(tag3)), body);
    }

    /** Runs {@code body} with {@code tags} in force. */
    public static void with(Collection<String> tags, Runnable body) {
        Objects.requireNonNull(body, "body");
        with(tags, () -> {
            body.run();
            return null;
        });
    }

    /** Runs {@code body} with {@code tags} in force and returns its result. */
    public static <T> T with(Collection<String> tags, Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        return Frame.callIn(Frame.current().withTags(check(tags)), body::get);
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

    static Set<String> check(Collection<String> tags) {
        Objects.requireNonNull(tags, "tags");
        Set<String> set = new LinkedHashSet<>();
        for (String t : tags) {
            // masked like a run's name: a tag is shown and stored everywhere the run is
            set.add(dev.sluice.internal.Masker.mask(Spec.checkTag(t)));
        }
        return set;
    }
}
