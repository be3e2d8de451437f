package dev.sluice.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A table for people: a header and rows, columns aligned by their widest cell as a terminal draws it (a CJK letter or
 * an emoji takes two columns, a combining accent none), with optional ANSI colour per cell. A cell's control
 * characters (a line break, an escape code in a flow's name) are shown as spaces: a cell never breaks a line nor
 * speaks to the terminal.
 */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> colours = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; {@code cells} as many as the header. */
    Table row(String... cells) {
        rows.add(plain(cells));
        colours.add(null);
        return this;
    }

    /** Adds a row whose cell {@code column} is shown in {@code colour} (an ANSI SGR code such as "32"). */
    Table row(int column, String colour, String... cells) {
        rows.add(plain(cells));
        List<String> c = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            c.add(i == column ? colour : null);
        }
        colours.add(c);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out, boolean colour) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = width(header.get(i));
        }
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], width(row.get(i)));
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            cell(line, header.get(i), width[i], i == width.length - 1, colour ? "1" : null);
        }
        out.println(line.toString().stripTrailing());
        for (int r = 0; r < rows.size(); r++) {
            line.setLength(0);
            List<String> row = rows.get(r);
            List<String> c = colours.get(r);
            for (int i = 0; i < width.length; i++) {
                cell(line, row.get(i), width[i], i == width.length - 1, colour && c != null ? c.get(i) : null);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static void cell(StringBuilder line, String text, int width, boolean last, String colour) {
        if (colour != null) {
            line.append("\u001b[").append(colour).append('m').append(text).append("\u001b[0m");
        } else {
            line.append(text);
        }
        if (!last) {
            line.append(" ".repeat(width - width(text) + 2));
        }
    }

    private static List<String> plain(String[] cells) {
        List<String> plain = new ArrayList<>(cells.length);
        for (String cell : cells) {
            plain.add(oneLine(cell));
        }
        return List.copyOf(plain);
    }

    /** {@code text} with every control character (line breaks, tabs, escape codes) as a space. */
    static String oneLine(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                if (b == null) {
                    b = new StringBuilder(text);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? text : b.toString();
    }

    /** {@code text} with its control characters but line breaks and tabs as spaces: no escape code reaches the terminal. */
    static String printable(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                if (b == null) {
                    b = new StringBuilder(text);
                }
                b.setCharAt(i, ' ');
            }
        }
        return b == null ? text : b.toString();
    }

    /** How many columns a terminal takes to draw {@code text}: two for an East Asian wide letter or an emoji, none for a combining mark. */
    static int width(String text) {
        int columns = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                    || (c >= 0xFE00 && c <= 0xFE0F)) {
                continue; // combining accents, zero-width joiners, variation selectors
            }
            columns += wide(c) ? 2 : 1;
        }
        return columns;
    }

    /** East Asian wide and fullwidth letters (Unicode's EastAsianWidth W and F) and the emoji blocks. */
    private static boolean wide(int c) {
        return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF)
                || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF)
                || (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF60)
                || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F680 && c <= 0x1F6FF)
                || (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x1FA70 && c <= 0x1FAFF) || (c >= 0x20000 && c <= 0x3FFFD);
    }
}
