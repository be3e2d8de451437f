package dev.sluice.spring.boot.internal;

import dev.sluice.spring.boot.SluiceProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The history's on/off switch of the no-code history, {@code -Dsluice.history=off} or {@code SLUICE_HISTORY=off}
 * (which Spring sees as the property {@code sluice.history}), honoured by the starter too: as a converter it
 * lets such a value bind to {@code sluice.history} (settings with {@code enabled} false, or the defaults), and as
 * a condition it turns the history beans off for it or for {@code sluice.history.enabled=false}.
 */
public final class HistorySwitch implements Converter<String, SluiceProperties.History>, Condition {
    /** Used by Spring as a converter or a condition. */
    public HistorySwitch() {
    }

    /** Whether {@code value} turns the history off, as the no-code history reads it. */
    public static boolean isOff(@Nullable String value) {
        return dev.sluice.history.internal.HistoryExtension.isOffValue(value);
    }

    @Override
    public SluiceProperties.History convert(String value) {
        SluiceProperties.History settings = new SluiceProperties.History();
        settings.setEnabled(!isOff(value));
        return settings;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        if (isOff(env.getProperty("sluice.history"))) {
            return false;
        }
        return env.getProperty("sluice.history.enabled", Boolean.class, true);
    }
}
