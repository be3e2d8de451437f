package dev.sluice.spring.boot.internal;

import dev.sluice.spring.boot.SluiceProperties;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.ConditionalConverter;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The history's on/off switch of the no-code history, {@code -Dsluice.history=off} or {@code SLUICE_HISTORY=off}
 * (which Spring sees as the property {@code sluice.history}), honoured by the starter too: as a converter it
 * lets such a value bind to {@code sluice.history} (settings with {@code enabled} false, or the defaults), and as
 * a condition it turns the history beans off for it or for {@code sluice.history.enabled=false}.
 *
 * <p>As a converter it applies only while no {@code sluice.history.*} property is set: Spring binds a property's
 * value in place of its nested properties, so {@code SLUICE_HISTORY=on} would otherwise drop
 * {@code sluice.history.database} and the rest. With nested properties, they are bound, and the condition still
 * turns the history off for an off value.
 */
public final class HistorySwitch implements Converter<String, SluiceProperties.History>, ConditionalConverter, Condition {
    private static final ConfigurationPropertyName HISTORY = ConfigurationPropertyName.of("sluice.history");

    private final @Nullable Environment environment;

    /** Used by Spring as a condition. */
    public HistorySwitch() {
        this(null);
    }

    /** Used by Spring as a converter, for {@code environment}'s properties. */
    public HistorySwitch(@Nullable Environment environment) {
        this.environment = environment;
    }

    /** Whether {@code sluice.history}'s value is to be converted: not when nested properties are set. */
    @Override
    public boolean matches(TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (environment == null) {
            return true;
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source.containsDescendantOf(HISTORY) == ConfigurationPropertyState.PRESENT) {
                return false; // bound as settings (Spring tries them when no converter applies)
            }
        }
        return true;
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
