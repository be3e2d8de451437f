package dev.sluice.blocks.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.block.Block;
import dev.sluice.block.BlockType;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Notifier;
import dev.sluice.block.Secret;
import dev.sluice.blocks.webhook.internal.Templates;
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
 * values are URL-encoded; a line break filled into a header becomes a space.
 *
 * @param url          where to send; a secret, since webhook URLs often carry a token
 * @param method       {@code POST}, {@code PUT} or {@code PATCH}
 * @param headers      header templates, in order
 * @param jsonTemplate the JSON body template, or {@code null} when {@code formTemplate} is used
 * @param formTemplate form field templates, sent as {@code application/x-www-form-urlencoded}; empty for a JSON body
 * @param secrets      named secrets the templates may use
 * @param options      timeouts and retries; {@code null} means {@link WebhookOptions#defaults()}
 */
@BlockType("custom-webhook")
public record CustomWebhook(Secret url, String method, Map<String, String> headers, @Nullable String jsonTemplate,
        Map<String, String> formTemplate, Map<String, Secret> secrets, @Nullable WebhookOptions options)
        implements Notifier, Block {
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
        for (Map.Entry<String, String> h : headers.entrySet()) {
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
        Function<String, String> values = name -> switch (name) {
            case "subject" -> notification.subject();
            case "body" -> notification.body();
            case "severity" -> notification.severity().name().toLowerCase(Locale.ROOT);
            case "text" -> notification.text();
            default -> Objects.requireNonNull(revealed.get(name), name);
        };
        Map<String, String> filledHeaders = new LinkedHashMap<>();
        headers.forEach((k, v) -> filledHeaders.put(k, Templates.fill(v, values).replaceAll("[\\r\\n]+", " ")));
        String body;
        String contentType;
        if (jsonTemplate != null) {
            body = WebhookSender.json(Templates.fill(parse(jsonTemplate), values));
            contentType = "application/json";
        } else {
            StringBuilder sb = new StringBuilder();
            formTemplate.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(Templates.fill(v, values), StandardCharsets.UTF_8)));
            body = sb.toString();
            contentType = "application/x-www-form-urlencoded";
        }
        WebhookSender.send(new WebhookSender.Request("custom webhook", WebhookSender.uri(u, "url"), method, contentType,
                body, filledHeaders, hidden), Objects.requireNonNull(options));
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

        private Builder(Secret url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** The HTTP method: {@code POST} (the default), {@code PUT} or {@code PATCH}. */
        public Builder method(String newMethod) {
            this.method = Objects.requireNonNull(newMethod, "method");
            return this;
        }

        /** Adds (or replaces) a header whose value is a template. */
        public Builder header(String name, String valueTemplate) {
            headers.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(valueTemplate, "header value"));
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
         * The webhook.
         *
         * @throws IllegalArgumentException if a template has an unknown placeholder, the JSON body is not
         *         JSON, there is no body, or a header or method is not allowed
         */
        public CustomWebhook build() {
            return new CustomWebhook(url, method, headers, json, form, secrets, options);
        }
    }
}
