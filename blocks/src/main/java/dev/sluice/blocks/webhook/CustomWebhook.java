package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.internal.HeaderValues;
import dev.sluice.blocks.webhook.internal.Templates;
import dev.sluice.notify.TextCuts;
import dev.sluice.blocks.webhook.internal.WebhookSender;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Sends notifications to any HTTP endpoint, with a JSON or form body and headers built from
 * templates. A template uses {@code {{subject}}}, {@code {{body}}}, {@code {{severity}}} (lower
 * case: {@code info}, {@code warning}, {@code error}, {@code critical}), {@code {{text}}} (subject,
 * body and fields as one text) and {@code {{name}}} for each named secret. Every template is checked
 * when the block is built: an unknown placeholder or a JSON template that is not JSON is an
 * {@link IllegalArgumentException} then, not a failed notification later.
 *
 * <pre>{@code
 * CustomWebhook hook = CustomWebhook.builder(Secret.of("https://alerts.example.com/api/events"))
 *         .secret("token", Secret.of(System.getenv("ALERTS_TOKEN")))
 *         .header("Authorization", "Bearer {{token}}")
 *         .jsonBody("{\"title\": \"{{subject}}\", \"text\": \"{{body}}\", \"level\": \"{{severity}}\"}")
 *         .build();
 * }</pre>
 *
 * In a JSON template, placeholders stand inside string values and are filled JSON-escaped; form
 * values are URL-encoded. In a header, a line break or other control character becomes a space,
 * notification texts are cut to {@value #MAX_HEADER_TEXT} characters, and a word with a character
 * beyond ASCII (an accented letter, an emoji) is sent as an RFC 2047 encoded-word
 * ({@code =?UTF-8?B?...?=}, as in email headers), which any MIME library decodes: HTTP headers carry
 * ASCII only.
 *
 * <p>A body is at most {@link #maxBodyBytes()} bytes as sent (default
 * {@value #DEFAULT_MAX_BODY_BYTES}), whatever the size or script of the text: see
 * {@link Builder#maxBodyBytes}.
 *
 * @param url          where to send; a secret, since webhook URLs often carry a token
 * @param method       {@code POST}, {@code PUT} or {@code PATCH}
 * @param headers      header templates, in order; a name given twice (in any case) is refused
 * @param jsonTemplate the JSON body template, or {@code null} when {@code formTemplate} is used
 * @param formTemplate form field templates, sent as {@code application/x-www-form-urlencoded}; empty for a JSON body
 * @param secrets      named secrets the templates may use
 * @param options      timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 * @param maxBodyBytes the most a body takes in bytes as sent; {@code null} means {@value #DEFAULT_MAX_BODY_BYTES}
 */
@BlockType("custom-webhook")
public record CustomWebhook(Secret url, String method, Map<String, String> headers, @Nullable String jsonTemplate,
        Map<String, String> formTemplate, Map<String, Secret> secrets, @Nullable WebhookOptions options,
        @Nullable Integer maxBodyBytes) implements Notifier, Block {
    /** The body size {@link #maxBodyBytes()} defaults to: Google Chat's limit, under most services' own. */
    public static final int DEFAULT_MAX_BODY_BYTES = 32_000;
    /** The most a notification text filled into a header takes, in characters, before encoding. */
    static final int MAX_HEADER_TEXT = 500;
    /** The most the subject or a field value takes in a body, in characters. */
    static final int MAX_SUBJECT = 1_000;
    private static final int MIN_BODY_BYTES = 1_024;
    private static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** Checks every field and template; copies the maps. */
    public CustomWebhook {
        Objects.requireNonNull(url, "url");
        WebhookSender.uri(url.reveal(), "CustomWebhook url");
        Objects.requireNonNull(method, "method");
        method = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("method must be one of " + new java.util.TreeSet<>(METHODS)
                    + ", was '" + method + "'");
        }
        headers = copy(headers, "headers");
        formTemplate = copy(formTemplate, "formTemplate");
        secrets = copy(secrets, "secrets");
        for (String name : secrets.keySet()) {
            if (!SECRET_NAME.matcher(name).matches() || Templates.BUILT_IN.contains(name)) {
                throw new IllegalArgumentException("secret name '" + name + "' is not allowed: use a letter, then up"
                        + " to 63 letters, digits, '_' and '-', and none of " + Templates.BUILT_IN);
            }
        }
        Set<String> names = secrets.keySet();
        Set<String> seenHeaders = new java.util.HashSet<>();
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (!seenHeaders.add(h.getKey().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header '" + h.getKey() + "' is given twice (header names are"
                        + " case-insensitive); give it once");
            }
            if (!TOKEN.matcher(h.getKey()).matches()) {
                throw new IllegalArgumentException("header name '" + h.getKey() + "' is not a valid HTTP header name");
            }
            if (RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT)) || h.getKey().equalsIgnoreCase("content-type")) {
                throw new IllegalArgumentException("header '" + h.getKey() + "' is set by the HTTP client; remove it");
            }
            if (h.getValue().indexOf('\r') >= 0 || h.getValue().indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header '" + h.getKey() + "' contains a line break");
            }
            Templates.check(h.getValue(), "header '" + h.getKey() + "'", names);
        }
        if (jsonTemplate != null) {
            if (!formTemplate.isEmpty()) {
                throw new IllegalArgumentException("give a JSON body or a form body, not both");
            }
            JsonNode tree = parse(jsonTemplate);
            Templates.strings(tree, s -> Templates.check(s, "JSON body", names));
            if (Templates.placeholders(jsonTemplate).size() > countInStrings(tree)) {
                throw new IllegalArgumentException("JSON body has a {{placeholder}} outside a string value; put"
                        + " placeholders inside quotes, e.g. {\"text\": \"{{body}}\"}");
            }
        } else if (formTemplate.isEmpty()) {
            throw new IllegalArgumentException("give a JSON body (jsonBody) or a form body (formBody)");
        }
        for (Map.Entry<String, String> f : formTemplate.entrySet()) {
            Templates.check(f.getValue(), "form field '" + f.getKey() + "'", names);
        }
        options = options == null ? WebhookOptions.defaults() : options;
        maxBodyBytes = maxBodyBytes == null ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        if (maxBodyBytes < MIN_BODY_BYTES || maxBodyBytes > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("maxBodyBytes must be between " + MIN_BODY_BYTES + " and " + MAX_BODY_BYTES
                    + ", was " + maxBodyBytes);
        }
        Set<String> secretNames = secrets.keySet();
        int empty = encodedBody(jsonTemplate, formTemplate, name -> secretNames.contains(name) ? "x".repeat(64) : "")
                .getBytes(StandardCharsets.UTF_8).length;
        if (empty > maxBodyBytes - 256) {
            throw new IllegalArgumentException("the body template alone is " + empty + " bytes, which leaves no room for"
                    + " the notification within maxBodyBytes " + maxBodyBytes + "; shorten it or raise maxBodyBytes");
        }
    }

    /** A webhook as the canonical constructor makes it, with the default {@link #maxBodyBytes()}. */
    public CustomWebhook(Secret url, String method, Map<String, String> headers, @Nullable String jsonTemplate,
            Map<String, String> formTemplate, Map<String, Secret> secrets, @Nullable WebhookOptions options) {
        this(url, method, headers, jsonTemplate, formTemplate, secrets, options, null);
    }

    /** A builder for a webhook posting to {@code url}. */
    public static Builder builder(Secret url) {
        return new Builder(url);
    }

    /** A builder starting from this block's settings. */
    public Builder toBuilder() {
        Builder b = new Builder(url).method(method);
        b.headers.putAll(headers);
        b.secrets.putAll(secrets);
        b.json = jsonTemplate;
        b.form.putAll(formTemplate);
        b.options = Objects.requireNonNull(options);
        b.maxBodyBytes = Objects.requireNonNull(maxBodyBytes);
        return b;
    }

    /**
     * Sends the notification with the templates filled in.
     *
     * @throws WebhookException if the endpoint refuses it or cannot be reached after the retries
     */
    @Override
    public void send(Notification notification) {
        Objects.requireNonNull(notification, "notification");
        String u = url.reveal();
        List<String> hidden = new ArrayList<>();
        hidden.add(u);
        Map<String, String> revealed = new TreeMap<>();
        secrets.forEach((k, v) -> {
            revealed.put(k, v.reveal());
            hidden.add(v.reveal());
        });
        Map<String, String> filledHeaders = new LinkedHashMap<>();
        Function<String, String> headerValues = values(shortened(notification, MAX_HEADER_TEXT, 2 * MAX_HEADER_TEXT),
                revealed);
        headers.forEach((k, v) -> filledHeaders.put(k, HeaderValues.encode(Templates.fill(v, headerValues))));
        String body = fittedBody(notification, revealed, Objects.requireNonNull(maxBodyBytes));
        WebhookSender.send(new WebhookSender.Request("custom webhook", WebhookSender.uri(u, "url"), method,
                jsonTemplate != null ? "application/json" : "application/x-www-form-urlencoded", body, filledHeaders,
                hidden), Objects.requireNonNull(options));
    }

    /**
     * The body for {@code n}, at most {@code max} bytes as sent (UTF-8, after JSON escaping or URL
     * encoding). When the whole notification does not fit: the subject and each field value cut to
     * {@value #MAX_SUBJECT} characters, the fields (in {@code {{text}}}) to about a quarter of
     * {@code max}, and the body (in {@code {{body}}} and {@code {{text}}}) to the longest start that
     * fits, marked where it was cut; cuts fall between grapheme clusters. If even that does not fit,
     * the subject is cut to 100 characters and the fields left out.
     *
     * @throws WebhookException (not retryable) if the template alone, filled with the secrets, is larger
     */
    String fittedBody(Notification n, Map<String, String> revealed, int max) {
        String full = encodedBody(jsonTemplate, formTemplate, values(n, revealed));
        if (bytes(full) <= max) {
            return full;
        }
        String fitted = fitBody(shortened(n, MAX_SUBJECT, max / 4), revealed, max);
        if (fitted == null) {
            // the subject and fields leave no room: a short subject, no fields
            fitted = fitBody(new Notification(TextCuts.cut(n.subject(), 100, TextCuts.Measure.CHARS, "\u2026"), n.body(),
                    n.severity(), Map.of()), revealed, max);
        }
        if (fitted == null) {
            throw new WebhookException("custom webhook (host " + WebhookSender.uri(url.reveal(), "url").getHost()
                    + "): the body does not fit in maxBodyBytes " + max + " even without the notification's text; shorten"
                    + " the template or raise maxBodyBytes", 0, false, null);
        }
        return fitted;
    }

    /** The body with the longest cut of {@code n}'s body that fits in {@code max} bytes, or null if none does. */
    private @Nullable String fitBody(Notification n, Map<String, String> revealed, int max) {
        String text = n.body();
        // the size grows with the length of body kept: a binary search finds the longest that fits; each character
        // kept is at least a byte of the body however it is encoded, so no more than max of them can fit (a 1 MB body
        // was encoded whole at each of 20 steps: 2 s for a 16 kB form body)
        int lo = 0;
        int hi = Math.min(text.length(), max);
        String best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Notification cut = new Notification(n.subject(), TextCuts.cut(text, mid, TextCuts.Measure.CHARS, BODY_CUT),
                    n.severity(), n.fields());
            String candidate = encodedBody(jsonTemplate, formTemplate, values(cut, revealed));
            if (bytes(candidate) <= max) {
                best = candidate;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static final String BODY_CUT = "\n\u2026 [cut by Sluice to fit the webhook's maxBodyBytes]";

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * {@code n} with the subject, field names and field values cut to {@code max} characters, the
     * fields together to about {@code fieldsBytes} bytes (a last field says how many more there were),
     * and, for a header ({@code max} below {@link #MAX_SUBJECT}), the body to {@code max} characters too.
     */
    private static Notification shortened(Notification n, int max, int fieldsBytes) {
        Map<String, String> fields = new LinkedHashMap<>();
        int left = fieldsBytes;
        for (Map.Entry<String, String> f : n.fields().entrySet()) {
            String key = TextCuts.cut(f.getKey(), Math.min(max, 200), TextCuts.Measure.CHARS, "\u2026");
            String value = TextCuts.cut(f.getValue(), max, TextCuts.Measure.CHARS, "\u2026");
            left -= TextCuts.size(key, TextCuts.Measure.UTF8) + TextCuts.size(value, TextCuts.Measure.UTF8) + 3;
            if (left < 0) {
                fields.put("\u2026", (n.fields().size() - fields.size()) + " more fields not shown");
                break;
            }
            fields.put(key, value);
        }
        return new Notification(TextCuts.cut(n.subject(), max, TextCuts.Measure.CHARS, "\u2026"),
                max >= MAX_SUBJECT ? n.body() : TextCuts.cut(n.body(), max, TextCuts.Measure.CHARS, "\u2026"),
                n.severity(), fields);
    }

    private static Function<String, String> values(Notification n, Map<String, String> revealed) {
        return name -> switch (name) {
            case "subject" -> n.subject();
            case "body" -> n.body();
            case "severity" -> n.severity().name().toLowerCase(Locale.ROOT);
            case "text" -> n.text();
            default -> Objects.requireNonNull(revealed.get(name), name);
        };
    }

    /** The body from the JSON template (JSON-escaped values) or the form template (URL-encoded values). */
    private static String encodedBody(@Nullable String json, Map<String, String> form, Function<String, String> values) {
        if (json != null) {
            return WebhookSender.json(Templates.fill(parse(json), values));
        }
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(Templates.fill(v, values), StandardCharsets.UTF_8)));
        return sb.toString();
    }

    private static JsonNode parse(String json) {
        try {
            JsonNode tree = WebhookSender.JSON.readTree(json);
            if (tree == null || !tree.isContainerNode()) {
                throw new IllegalArgumentException("JSON body must be a JSON object or array");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static int countInStrings(JsonNode tree) {
        Set<String> inStrings = new java.util.HashSet<>();
        Templates.strings(tree, s -> inStrings.addAll(Templates.placeholders(s)));
        return inStrings.size();
    }

    private static <V> Map<String, V> copy(@Nullable Map<String, V> map, String name) {
        Objects.requireNonNull(map, name);
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k, name + " key"), Objects.requireNonNull(v, name + " value")));
        return Collections.unmodifiableMap(copy);
    }

    /** Builds a {@link CustomWebhook}; {@link #build()} checks everything. Not thread-safe. */
    public static final class Builder {
        private final Secret url;
        private String method = "POST";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, Secret> secrets = new LinkedHashMap<>();
        private @Nullable String json;
        private final Map<String, String> form = new LinkedHashMap<>();
        private WebhookOptions options = WebhookOptions.defaults();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

        private Builder(Secret url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** The HTTP method: {@code POST} (the default), {@code PUT} or {@code PATCH}. */
        public Builder method(String newMethod) {
            this.method = Objects.requireNonNull(newMethod, "method");
            return this;
        }

        /**
         * Adds (or replaces) a header whose value is a template. Header names are case-insensitive, so
         * {@code header("x-token", ...)} replaces a {@code X-Token} added before.
         */
        public Builder header(String name, String valueTemplate) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(valueTemplate, "header value");
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, valueTemplate);
            return this;
        }

        /** Names a secret that templates use as {@code {{name}}}. */
        public Builder secret(String name, Secret value) {
            secrets.put(Objects.requireNonNull(name, "secret name"), Objects.requireNonNull(value, "secret"));
            return this;
        }

        /** A JSON body from {@code template}; replaces a form body. */
        public Builder jsonBody(String template) {
            this.json = Objects.requireNonNull(template, "template");
            form.clear();
            return this;
        }

        /** A form body from field templates, in order; replaces a JSON body. */
        public Builder formBody(Map<String, String> fieldTemplates) {
            Objects.requireNonNull(fieldTemplates, "fieldTemplates");
            this.json = null;
            form.clear();
            form.putAll(fieldTemplates);
            return this;
        }

        /** Timeouts and retries. */
        public Builder options(WebhookOptions newOptions) {
            this.options = Objects.requireNonNull(newOptions, "options");
            return this;
        }

        /**
         * The most a body may take, in bytes as sent (UTF-8, after JSON escaping or URL encoding),
         * 1,024 to 10 MB (default {@value CustomWebhook#DEFAULT_MAX_BODY_BYTES}): set it to the
         * endpoint's own limit. A notification that does not fit has its subject and fields cut to
         * 1,000 characters and its body to what fits.
         */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * The webhook.
         *
         * @throws IllegalArgumentException if a template has an unknown placeholder, the JSON body is not
         *         JSON, there is no body, or a header or method is not allowed
         */
        public CustomWebhook build() {
            return new CustomWebhook(url, method, headers, json, form, secrets, options, maxBodyBytes);
        }
    }
}
