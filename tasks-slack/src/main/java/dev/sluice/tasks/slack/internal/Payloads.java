package dev.sluice.tasks.slack.internal;

import dev.sluice.notify.TextCuts;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.notify.Notification;
import dev.sluice.notify.Severity;
import dev.sluice.tasks.slack.SlackMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Slack payloads: Block Kit JSON checks, Slack's size limits (text and block count truncated with
 * a marker), webhook bodies and the Block Kit layout of a {@link Notification}.
 */
public final class Payloads {
    /** Slack truncates message text beyond this many characters. */
    public static final int MAX_TEXT = 40_000;
    /** Slack rejects a message with more blocks than this. */
    public static final int MAX_BLOCKS = 50;
    /** Slack's limit for a header block's text. */
    static final int MAX_HEADER = 150;
    /** Slack's limit for a section's text. */
    static final int MAX_SECTION = 3_000;
    /** Slack's limit for one field of a section. */
    static final int MAX_FIELD = 2_000;
    /** Slack's limit of fields per section. */
    static final int FIELDS_PER_SECTION = 10;
    /** Sections a notification body may fill before it is truncated. */
    static final int MAX_BODY_SECTIONS = 10;
    /** Sections of fields a notification may fill before fields are dropped. */
    static final int MAX_FIELD_SECTIONS = 4;
    /** The most characters all fields of a notification take together. */
    static final int MAX_FIELDS_TEXT = 8_000;
    /** The most characters of text in a notification's blocks: Slack's limit for a message's text. */
    public static final int MAX_NOTIFICATION_TEXT = 40_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** A message made to fit Slack's limits, and what was cut to make it fit (empty: nothing). */
    public record Fitted(String text, @Nullable String blocks, List<String> cuts) {
    }

    /** Checks that {@code blocks} is a JSON array of objects that each have a {@code type}. */
    public static void checkBlocks(String blocks) {
        JsonNode node;
        try {
            node = JSON.readTree(blocks);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("blocks must be a JSON array of Block Kit blocks, but is not valid JSON: "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException("blocks must be a JSON array of Block Kit blocks such as "
                    + "[{\"type\":\"divider\"}], got a JSON " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode block = node.get(i);
            if (!block.isObject() || !block.path("type").isTextual()) {
                throw new IllegalArgumentException("blocks[" + i + "] must be a JSON object with a \"type\", got " + abbreviate(block.toString(), 80));
            }
        }
    }

    /** {@code message}'s text and blocks cut to Slack's limits, each cut marked where it was made. */
    public static Fitted fit(SlackMessage message) {
        List<String> cuts = new ArrayList<>(2);
        String text = message.text();
        if (text.length() > MAX_TEXT) {
            int omitted = text.length() - MAX_TEXT;
            text = cutMrkdwn(text, MAX_TEXT, "\n… [truncated by Sluice: Slack allows " + MAX_TEXT + " characters]");
            cuts.add("text of " + message.text().length() + " characters cut to " + MAX_TEXT + " (" + omitted + "+ omitted)");
        }
        String blocks = message.blocks();
        if (blocks != null) {
            ArrayNode array = (ArrayNode) read(blocks);
            if (array.size() > MAX_BLOCKS) {
                int omitted = array.size() - (MAX_BLOCKS - 1);
                ArrayNode kept = JSON.createArrayNode();
                for (int i = 0; i < MAX_BLOCKS - 1; i++) {
                    kept.add(array.get(i));
                }
                kept.add(context("… " + omitted + " more blocks truncated by Sluice (Slack allows " + MAX_BLOCKS + " per message)"));
                cuts.add(array.size() + " blocks cut to " + MAX_BLOCKS + " (the last one marks the cut)");
                blocks = kept.toString();
            }
        }
        return new Fitted(text, blocks, List.copyOf(cuts));
    }

    /** The JSON body of an incoming-webhook post of {@code fitted}, with {@code message}'s options. */
    public static String webhookBody(SlackMessage message, Fitted fitted) {
        ObjectNode body = JSON.createObjectNode();
        body.put("text", fitted.text());
        if (fitted.blocks() != null) {
            body.set("blocks", read(fitted.blocks()));
        }
        if (message.channel() != null) {
            body.put("channel", message.channel());
        }
        if (message.threadTs() != null) {
            body.put("thread_ts", message.threadTs());
        }
        body.put("unfurl_links", message.unfurlLinks());
        body.put("unfurl_media", message.unfurlMedia());
        return body.toString();
    }

    /**
     * The webhook body for a notification: header (severity emoji + subject), body sections,
     * fields in two columns, a context line with the severity; the fallback text is the header,
     * escaped like every mrkdwn text (Slack reads it as mrkdwn), so a subject mentions nobody.
     * Every block keeps to Slack's limits (header 150 characters, a section 3,000, a field 2,000, 10
     * fields per section), the body fills at most {@value #MAX_BODY_SECTIONS} sections and the fields
     * {@value #MAX_FIELDS_TEXT} characters in all, so the whole message is at most
     * {@value #MAX_NOTIFICATION_TEXT} characters of text (Slack's limit for a message's text), each
     * cut marked. Characters are UTF-16 units, which is never fewer than Slack counts; cuts fall
     * between grapheme clusters and never inside an escape such as {@code &amp;}.
     */
    public static String notificationBody(Notification n) {
        String subject = n.subject().isBlank() ? "(no subject)" : n.subject().strip();
        String headline = truncate(emoji(n.severity()) + " " + subject, MAX_HEADER, "…");
        ArrayNode blocks = JSON.createArrayNode();

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", headline).put("emoji", true);

        String marker = "\n… [truncated by Sluice]";
        List<String> chunks = chunks(escape(n.body().strip()), MAX_SECTION);
        if (chunks.size() > MAX_BODY_SECTIONS) {
            chunks = new ArrayList<>(chunks.subList(0, MAX_BODY_SECTIONS));
            String last = chunks.get(MAX_BODY_SECTIONS - 1);
            chunks.set(MAX_BODY_SECTIONS - 1, cutMrkdwn(last, MAX_SECTION - marker.length(), "") + marker);
        }
        for (String chunk : chunks) {
            blocks.add(section(chunk));
        }

        List<Map.Entry<String, String>> fields = new ArrayList<>(n.fields().entrySet());
        int maxFields = FIELDS_PER_SECTION * MAX_FIELD_SECTIONS;
        int left = MAX_FIELDS_TEXT;
        List<String> shown = new ArrayList<>();
        for (Map.Entry<String, String> field : fields) {
            String label = "*" + cutMrkdwn(escape(field.getKey()), 100, "…") + "*\n";
            int room = Math.min(MAX_FIELD, left);
            if (shown.size() == maxFields || room < label.length() + 16) {
                break;
            }
            String value = field.getValue().isBlank() ? "—" : escape(field.getValue());
            String text = label + cutMrkdwn(value, room - label.length(), "…");
            left -= text.length();
            shown.add(text);
        }
        for (int from = 0; from < shown.size(); from += FIELDS_PER_SECTION) {
            ObjectNode section = blocks.addObject().put("type", "section");
            ArrayNode columns = section.putArray("fields");
            for (String text : shown.subList(from, Math.min(from + FIELDS_PER_SECTION, shown.size()))) {
                columns.addObject().put("type", "mrkdwn").put("text", text);
            }
        }
        String context = "Severity: *" + n.severity().name() + "*  ·  sent by Sluice";
        if (fields.size() > shown.size()) {
            context += "  ·  " + (fields.size() - shown.size()) + " more fields not shown";
        }
        blocks.add(context(context));

        ObjectNode payload = JSON.createObjectNode();
        // the fallback (push notification) text is mrkdwn: escaped, a "<!channel>" in a subject mentions nobody
        payload.put("text", cutMrkdwn(escape(emoji(n.severity()) + " " + subject), MAX_HEADER, "…"));
        payload.set("blocks", blocks);
        return payload.toString();
    }

    /**
     * {@code escaped} (mrkdwn with {@code &}, {@code <}, {@code >} escaped) cut to at most {@code max}
     * characters with {@code marker}, between grapheme clusters and never inside an escape.
     */
    static String cutMrkdwn(String escaped, int max, String marker) {
        if (escaped.length() <= max) {
            return escaped;
        }
        String cut = TextCuts.cut(escaped, max, TextCuts.Measure.CHARS, marker);
        if (!cut.endsWith(marker)) {
            return cut; // not even the marker fits
        }
        return escaped.substring(0, entitySafe(escaped, cut.length() - marker.length())) + marker;
    }

    /** {@code end}, or the start of the escape ({@code &amp;}, {@code &lt;}, {@code &gt;}) it would split. */
    private static int entitySafe(String s, int end) {
        int amp = s.lastIndexOf('&', end - 1);
        if (amp >= 0 && amp > end - 5) {
            int semi = s.indexOf(';', amp);
            if (semi >= end && semi - amp <= 4) {
                return amp;
            }
        }
        return end;
    }

    /** The emoji that marks a severity in Slack. */
    static String emoji(Severity severity) {
        return switch (severity) {
            case INFO -> ":information_source:";
            case WARNING -> ":warning:";
            case ERROR -> ":red_circle:";
            case CRITICAL -> ":rotating_light:";
        };
    }

    /** Escapes the three characters Slack's mrkdwn reserves. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static ObjectNode section(String mrkdwn) {
        ObjectNode section = JSON.createObjectNode().put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", mrkdwn);
        return section;
    }

    private static ObjectNode context(String mrkdwn) {
        ObjectNode context = JSON.createObjectNode().put("type", "context");
        context.putArray("elements").addObject().put("type", "mrkdwn").put("text", mrkdwn);
        return context;
    }

    /**
     * {@code s} cut to at most {@code max} characters (UTF-16 units) including {@code marker}, between
     * grapheme clusters (never inside a surrogate pair, an emoji sequence or a letter and its accents).
     */
    static String truncate(String s, int max, String marker) {
        return TextCuts.cut(s, max, TextCuts.Measure.CHARS, marker);
    }

    /**
     * {@code s} (escaped mrkdwn) in pieces of at most {@code size} characters, preferring to break at
     * a newline, else between grapheme clusters, never inside an escape such as {@code &amp;}.
     */
    static List<String> chunks(String s, int size) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (from < s.length()) {
            int end = Math.min(s.length(), from + size);
            if (end < s.length()) {
                int newline = s.lastIndexOf('\n', end - 1);
                if (newline > from + size / 2) {
                    end = newline + 1;
                } else {
                    int boundary = entitySafe(s, TextCuts.boundaryAtOrBefore(s, end));
                    if (boundary > from) {
                        end = boundary;
                    } else if (Character.isHighSurrogate(s.charAt(end - 1))) {
                        end--; // a single cluster longer than a section: cut between code points
                    }
                }
            }
            String piece = s.substring(from, end);
            if (!piece.isBlank()) {
                out.add(piece);
            }
            from = end;
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("blocks were checked when the message was made", e);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
