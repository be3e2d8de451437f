package dev.sluice.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A table for people: a header and rows, columns aligned by their widest cell, with optional ANSI colour per cell. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<List<String>> colours = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; {@code cells} as many as the header. */
    Table row(String... cells) {
        rows.add(List.of(cells));
        colours.add(null);
        return this;
    }

    /** Adds a row whose cell {@code column} is shown in {@code colour} (an ANSI SGR code such as "32"). */
    Table row(int column, String colour, String... cells) {
        rows.add(List.of(cells));
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
            width[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
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
            line.append(" ".repeat(width - text.length() + 2));
        }
    }
}
