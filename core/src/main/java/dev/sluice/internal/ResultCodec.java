package dev.sluice.internal;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.block.Secret;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns task results into JSON that records their Java types (Jackson default typing, as an
 * {@code "@type"} property or a {@code [type, value]} pair) and back. Secrets, lambdas and
 * resources are refused: they are not values, or must never be written down.
 */
final class ResultCodec {
    private static final ObjectWriter WRITER;
    private static final ObjectReader READER;

    static {
        SimpleModule refuse = new SimpleModule("sluice-cache-result");
        refuse.setSerializers(new RefusingSerializers());
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(refuse)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // the store is trusted like the code (see ResultStore): any type may be read back
                .activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
                        ObjectMapper.DefaultTyping.NON_FINAL, JsonTypeInfo.As.PROPERTY)
                .build();
        WRITER = mapper.writerFor(Object.class);
        READER = mapper.readerFor(Object.class);
    }

    private ResultCodec() {
    }

    /** {@code result} as JSON with its types. */
    static String write(@Nullable Object result) throws JsonProcessingException {
        // Jackson writes an Optional as its content, type and all; at the root nothing else says it was one
        return WRITER.writeValueAsString(result instanceof Optional<?> o ? new OptionalResult(o.orElse(null)) : result);
    }

    /** The value {@link #write} wrote. */
    static @Nullable Object read(String json) throws JsonProcessingException {
        Object value = READER.readValue(json);
        return value instanceof OptionalResult o ? Optional.ofNullable(o.value()) : value;
    }

    /** An {@code Optional} result, boxed so that it comes back as one. */
    record OptionalResult(@Nullable Object value) {
    }

    /** Refuses what must not be cached. */
    private static final class RefusingSerializers extends SimpleSerializers {
        private static final long serialVersionUID = 1L;

        @Override
        public @Nullable JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            Class<?> raw = type.getRawClass();
            if (raw == Secret.class) {
                return new Unhashable.RefusingSerializer("it is a Secret, and cached results never hold secret values");
            }
            String reason = Unhashable.reason(raw);
            return reason == null ? null : new Unhashable.RefusingSerializer(reason);
        }
    }
}
