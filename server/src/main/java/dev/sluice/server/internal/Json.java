package dev.sluice.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sluice.block.Secret;
import java.io.IOException;

/**
 * The API's JSON: ISO-8601 times, durations as ISO-8601 text, no pretty printing, and every text value
 * masked ({@link Secret#mask}) as it is written, as the pages mask what they show: every route's answer, its
 * errors and the live log events go through one generator, so no route can forget.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .addDecorator((factory, generator) -> new Masking(generator)).build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    private Json() {
    }

    /**
     * A text written as it is, not masked: only for a secret the caller is meant to get, once (a new API key, which
     * the server revealed and so would otherwise mask).
     */
    @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = UnmaskedSerializer.class)
    record Unmasked(String text) {
    }

    static final class UnmaskedSerializer extends com.fasterxml.jackson.databind.ser.std.StdSerializer<Unmasked> {
        private static final long serialVersionUID = 1L;

        UnmaskedSerializer() {
            super(Unmasked.class);
        }

        @Override
        public void serialize(Unmasked value, JsonGenerator g, com.fasterxml.jackson.databind.SerializerProvider p)
                throws IOException {
            (g instanceof Masking m ? m.getDelegate() : g).writeString(value.text());
        }
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Masks text values (not field names, numbers or booleans: a secret that reads as a number stays a number,
     * so the document stays JSON). A raw value holding a secret is read and written again, masked.
     */
    private static final class Masking extends JsonGeneratorDelegate {
        Masking(JsonGenerator d) {
            super(d, false);
        }

        @Override
        public void writeString(String text) throws IOException {
            delegate.writeString(text == null ? null : Secret.mask(text));
        }

        @Override
        public void writeString(char[] text, int offset, int len) throws IOException {
            writeString(new String(text, offset, len));
        }

        @Override
        public void writeString(SerializableString text) throws IOException {
            writeString(text.getValue());
        }

        @Override
        public void writeRawUTF8String(byte[] text, int offset, int length) throws IOException {
            writeString(new String(text, offset, length, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void writeUTF8String(byte[] text, int offset, int length) throws IOException {
            writeString(new String(text, offset, length, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void writeString(java.io.Reader reader, int len) throws IOException {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[4096];
            int n;
            int left = len < 0 ? Integer.MAX_VALUE : len;
            while (left > 0 && (n = reader.read(buf, 0, Math.min(buf.length, left))) > 0) {
                b.append(buf, 0, n);
                left -= n;
            }
            writeString(b.toString());
        }

        @Override
        public void writeRawValue(String json) throws IOException {
            if (!Secret.mask(json).equals(json)) {
                MAPPER.writeTree(this, MAPPER.readTree(json));
            } else {
                delegate.writeRawValue(json);
            }
        }
    }
}
