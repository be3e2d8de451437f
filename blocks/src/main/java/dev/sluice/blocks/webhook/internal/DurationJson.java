package dev.sluice.blocks.webhook.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * {@link Duration} in a saved block as ISO-8601 text ({@code "PT30S"}), without needing Jackson's
 * java.time module on the block codec; also reads a number as milliseconds.
 */
public final class DurationJson {
    private DurationJson() {
    }

    /** Writes {@code PT30S}. */
    public static final class Writer extends StdSerializer<Duration> {
        private static final long serialVersionUID = 1L;

        public Writer() {
            super(Duration.class);
        }

        @Override
        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    /** Reads {@code "PT30S"} or a number of milliseconds. */
    public static final class Reader extends StdDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        public Reader() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isNumeric()) {
                return Duration.ofMillis(p.getLongValue());
            }
            String text = p.getValueAsString();
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException | NullPointerException e) {
                return (Duration) ctxt.handleWeirdStringValue(Duration.class, text,
                        "not an ISO-8601 duration such as PT30S");
            }
        }
    }
}
