package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Error texts of 1 MB (UTF-8) in three scripts, and the checks a payload cut from one must pass:
 * valid UTF-8, and every grapheme cluster beyond ASCII one the script has (so a cut never split a
 * surrogate pair, an emoji sequence, a flag or a letter and its accent).
 */
public enum Scripts {
    LATIN("Die Ladung schlug fehl: Verbindung zurückgesetzt, Zürich–Genève à déjà vu, ½ « œ » café naïve e\u0301. "),
    CJK("数据加载失败，请检查连接。東京都の倉庫でエラーが発生しました。데이터베이스 연결 실패. "),
    EMOJI("🔥 load failed 👨\u200D👩\u200D👧\u200D👦 🇩🇪🇫🇷 👍🏽 ❤️ 🚀 ");

    /** Characters Sluice adds itself (markers, separators). */
    private static final String SLUICE = "…—·–«»";
    private static final Pattern CLUSTER = Pattern.compile("\\X");
    /** 2^20. */
    public static final int MEGABYTE = 1 << 20;

    private final String unit;

    Scripts(String unit) {
        this.unit = unit;
    }

    /** Whole repetitions of this script's sample, at least {@code chars} characters. */
    public String atLeast(int chars) {
        return unit.repeat(chars / unit.length() + 1);
    }

    /** At least 1 MB in UTF-8 of this script. */
    public String megabyte() {
        int bytes = unit.getBytes(StandardCharsets.UTF_8).length;
        return unit.repeat(MEGABYTE / bytes + 1);
    }

    /** The grapheme clusters beyond ASCII that text of this script (and Sluice's markers) may hold. */
    public Set<String> clusters() {
        Set<String> all = new LinkedHashSet<>();
        Matcher m = CLUSTER.matcher(unit + SLUICE);
        while (m.find()) {
            if (m.group().chars().anyMatch(c -> c >= 0x80)) {
                all.add(m.group());
            }
        }
        return all;
    }

    /** Checks that {@code text} (decoded) holds no broken character: each non-ASCII cluster is one of the script's. */
    public void assertWhole(String text) {
        Set<String> allowed = clusters();
        Matcher m = CLUSTER.matcher(text);
        while (m.find()) {
            String c = m.group();
            if (c.chars().anyMatch(ch -> ch >= 0x80 || ch == '?')) {
                assertThat(allowed).as("grapheme cluster %s (%s) at %d", c, codePoints(c), m.start()).contains(c);
            }
        }
    }

    /** {@code body} as UTF-8, failing on any malformed byte. */
    public static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not valid UTF-8", e);
        }
    }

    private static String codePoints(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.append(String.format("U+%04X ", cp)));
        return sb.toString().strip();
    }
}
