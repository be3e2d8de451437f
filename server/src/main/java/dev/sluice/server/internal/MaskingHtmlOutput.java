package dev.sluice.server.internal;

import dev.sluice.block.Secret;
import gg.jte.TemplateOutput;
import gg.jte.html.OwaspHtmlTemplateOutput;
import org.jspecify.annotations.Nullable;

/**
 * The pages' output: every value a template writes ({@code ${...}}) is masked ({@link Secret#mask}) before it is
 * escaped, as the JSON API masks every text value it writes. So a run name, tag, task run name, deployment name or
 * any other text holding a secret this JVM has revealed never reaches a page, however it was recorded (a run
 * recorded before the value was known as a secret, or by a JVM that never revealed it, keeps it in plain text).
 * The one value written as it is: {@code shownOnce}, a secret the page is meant to show (a new API key's token).
 */
final class MaskingHtmlOutput extends OwaspHtmlTemplateOutput {
    private final @Nullable String shownOnce;

    MaskingHtmlOutput(TemplateOutput out, @Nullable String shownOnce) {
        super(out);
        this.shownOnce = shownOnce;
    }

    @Override
    public void writeUserContent(@Nullable String value) {
        super.writeUserContent(value == null || value.equals(shownOnce) ? value : Secret.mask(value));
    }
}
