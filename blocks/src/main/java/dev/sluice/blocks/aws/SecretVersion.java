package dev.sluice.blocks.aws;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which version of a secret to read: by version id, or by staging label ({@code AWSCURRENT},
 * {@code AWSPREVIOUS}, {@code AWSPENDING} or a label of your own). Exactly one is set.
 *
 * @param versionId the version id, or {@code null}
 * @param stage     the staging label, or {@code null}
 */
public record SecretVersion(@Nullable String versionId, @Nullable String stage) {
    private static final SecretVersion CURRENT = new SecretVersion(null, "AWSCURRENT");
    private static final SecretVersion PREVIOUS = new SecretVersion(null, "AWSPREVIOUS");

    /** Checks that exactly one of the two is given and not blank. */
    public SecretVersion {
        if ((versionId == null) == (stage == null)) {
            throw new IllegalArgumentException("give a versionId or a stage, exactly one");
        }
        if ((versionId != null && versionId.isBlank()) || (stage != null && stage.isBlank())) {
            throw new IllegalArgumentException("versionId and stage must not be blank");
        }
    }

    /** The current version ({@code AWSCURRENT}). */
    public static SecretVersion current() {
        return CURRENT;
    }

    /** The version before the current one ({@code AWSPREVIOUS}). */
    public static SecretVersion previous() {
        return PREVIOUS;
    }

    /** The version with this id. */
    public static SecretVersion id(String versionId) {
        return new SecretVersion(Objects.requireNonNull(versionId, "versionId"), null);
    }

    /** The version with this staging label. */
    public static SecretVersion stage(String stage) {
        return new SecretVersion(null, Objects.requireNonNull(stage, "stage"));
    }

    @Override
    public String toString() {
        return versionId != null ? "version " + versionId : "stage " + stage;
    }
}
