package dev.sluice.tasks.http.internal;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sluice.tasks.http.HttpExtractException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads a successful response as JSON (pages and single objects alike), with the checks and messages of the extract. */
final class JsonResponses {
    /**
     * Leaves the body open so that it can be read to its end, letting the connection be reused; a body with
     * anything after its JSON value (a second value, as NDJSON sends, or an error page appended) is not JSON,
     * rather than a first value whose followers are dropped without a word.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private JsonResponses() {
    }

    /**
     * The whole body as JSON, read to its end.
     *
     * @param what the request in messages ("page 2 of GET https://...")
     * @param shown the URL in messages, secrets masked
     * @throws HttpExtractException if it is not JSON, is empty or is bigger than {@code maxBytes}
     * @throws IOException if reading fails (the network's failure: worth retrying)
     */
    static JsonNode read(String what, String shown, int status, HttpHeaders headers, InputStream body, long maxBytes,
            List<String> secrets) throws IOException {
        Optional<String> contentType = headers.firstValue("Content-Type");
        if (contentType.isPresent() && !Bodies.isJson(contentType.get())) {
            throw new HttpExtractException(what + " has Content-Type '" + contentType.get() + "', not JSON: "
                    + Bodies.start(body, secrets) + "; check the URL and the Accept header", status, shown, null);
        }
        OptionalLong length = headers.firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > maxBytes) {
            throw tooBig(what, status, shown, maxBytes);
        }
        InputStream in = Bodies.limited(body, maxBytes, limit -> tooBig(what, status, shown, limit));
        java.nio.charset.Charset charset = contentType.map(t -> charset(t, what, status, shown)).orElse(null);
        JsonNode root;
        try {
            // JSON is UTF-8 (or UTF-16/32, which the parser detects); a page declaring another charset is decoded with it
            root = charset == null ? MAPPER.readTree(in)
                    : MAPPER.readTree(new java.io.InputStreamReader(in, charset.newDecoder()
                            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)));
            in.transferTo(OutputStream.nullOutputStream()); // to the end, so the connection is reused
        } catch (JsonProcessingException e) {
            String reason = String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")
                    ? "more follows after the JSON value (several values, as NDJSON sends, are not one JSON document)"
                    : e.getOriginalMessage();
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new HttpExtractException(what + " is not valid JSON: " + reason + at, status, shown, e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new HttpExtractException(what + " is not valid text in its declared charset " + charset
                    + " (Content-Type '" + contentType.orElse("") + "')", status, shown, e);
        }
        if (root == null || root.isMissingNode()) {
            throw new HttpExtractException(what + " has an empty body, not JSON", status, shown, null);
        }
        return root;
    }

    /**
     * The charset a {@code Content-Type} declares when the JSON parser cannot detect it itself: null for none
     * and for the Unicode encodings (UTF-8, UTF-16, UTF-32, and US-ASCII, a part of UTF-8).
     *
     * @throws HttpExtractException for a charset this JVM does not know
     */
    static java.nio.charset.@org.jspecify.annotations.Nullable Charset charset(String contentType, String what, int status,
            String shown) {
        java.util.regex.Matcher m = CHARSET.matcher(contentType);
        if (!m.find()) {
            return null;
        }
        String name = m.group(1) != null ? m.group(1) : m.group(2);
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.startsWith("UTF-") || upper.startsWith("UTF8") || upper.startsWith("UTF16") || upper.startsWith("UTF32")
                || upper.equals("US-ASCII") || upper.equals("ASCII")) {
            return null;
        }
        try {
            return java.nio.charset.Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new HttpExtractException(what + " has Content-Type '" + contentType + "', whose charset this JVM does"
                    + " not know", status, shown, null);
        }
    }

    private static final java.util.regex.Pattern CHARSET =
            java.util.regex.Pattern.compile("(?i);\\s*charset\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");

    /**
     * What {@code root} holds at {@code pointer}.
     *
     * @param expected what the pointer should point at, for the message ("the array of records")
     * @throws HttpExtractException if nothing is there
     */
    static JsonNode at(JsonNode root, JsonPointer pointer, String pointerText, String expected, String what, int status,
            String shown) {
        JsonNode selected = root.at(pointer);
        if (selected.isMissingNode()) {
            throw new HttpExtractException(what + " has nothing at the records pointer '" + pointerText
                    + "'; " + describeTop(root) + ". Set records(...) to the pointer of " + expected, status, shown, null);
        }
        return selected;
    }

    /**
     * Why a record did not map, for a user: Jackson's message without its advice on Jackson's own
     * settings, with the field it was at.
     */
    static String reason(com.fasterxml.jackson.core.JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        int advice = message.indexOf(" (set DeserializationConfig");
        if (advice >= 0) {
            message = message.substring(0, advice);
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder at = new StringBuilder();
            for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
                if (r.getFieldName() != null) {
                    at.append(at.length() == 0 ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    at.append('[').append(r.getIndex()).append(']');
                }
            }
            if (at.length() > 0) {
                message = "at '" + at + "': " + message;
            }
        }
        return message;
    }

    private static String describeTop(JsonNode root) {
        if (root.isObject()) {
            return "its top-level fields are " + OAuth2Tokens.fieldNames(root);
        }
        return "its top level is " + (root.isArray() ? "an array" : "a " + root.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    private static HttpExtractException tooBig(String what, int status, String shown, long limit) {
        return new HttpExtractException(what + " is bigger than the limit of " + limit
                + " bytes; raise maxBodyBytes or ask for smaller pages", status, shown, null);
    }
}
