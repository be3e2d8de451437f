package dev.sluice.blocks.webhook.internal;

import dev.sluice.notify.TextCuts;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Makes a filled-in template a value an HTTP header can carry: HTTP sends header bytes as ASCII
 * (a JDK client refuses anything past Latin-1, and sends Latin-1 as single bytes a UTF-8 reader
 * mangles). Control characters (line breaks, tabs, escape codes) become spaces; each run of
 * space-separated words holding characters beyond ASCII becomes RFC 2047 encoded-words
 * ({@code =?UTF-8?B?...?=}, at most 75 characters each, split between grapheme clusters, the spaces
 * of the run inside them), which MIME libraries decode; a decoder drops the white space between two
 * encoded-words, so a long run split in several comes back whole. ASCII words are left as they are.
 */
public final class HeaderValues {
    /** UTF-8 bytes per encoded-word: 45 bytes are 60 base64 characters, 72 with the delimiters. */
    private static final int BYTES_PER_WORD = 45;

    private HeaderValues() {
    }

    /** {@code value} fit for an HTTP header, as the class comment says. */
    public static String encode(String value) {
        StringBuilder clean = new StringBuilder(value.length());
        boolean ascii = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                clean.append(' ');
            } else {
                clean.append(c);
                ascii &= c < 0x80;
            }
        }
        String s = clean.toString().strip();
        if (ascii) {
            return s;
        }
        // words beyond ASCII next to each other are encoded together, the spaces between them inside:
        // a decoder drops white space between two encoded-words, so a space must not stand between them
        StringBuilder out = new StringBuilder(s.length() * 2);
        StringBuilder run = new StringBuilder();
        for (String word : s.split(" ", -1)) {
            if (word.isEmpty() && run.length() > 0) {
                run.append(' '); // a second space inside a run stays inside it
            } else if (word.chars().allMatch(c -> c < 0x80)) {
                if (run.length() > 0) {
                    appendEncoded(out, run.toString());
                    run.setLength(0);
                    out.append(' ');
                }
                out.append(word).append(' ');
            } else {
                run.append(run.length() > 0 ? " " : "").append(word);
            }
        }
        if (run.length() > 0) {
            appendEncoded(out, run.toString());
        } else {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    private static void appendEncoded(StringBuilder out, String word) {
        int from = 0;
        boolean first = true;
        while (from < word.length()) {
            String rest = word.substring(from);
            String piece = TextCuts.cut(rest, BYTES_PER_WORD, TextCuts.Measure.UTF8, "");
            if (piece.isEmpty()) {
                // one grapheme cluster longer than a word: split it between code points
                piece = rest.substring(0, Character.charCount(rest.codePointAt(0)));
            }
            if (!first) {
                out.append(' ');
            }
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(piece.getBytes(StandardCharsets.UTF_8)))
                    .append("?=");
            from += piece.length();
            first = false;
        }
    }
}
