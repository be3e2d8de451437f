package dev.sluice.tasks.sql.internal;

import dev.sluice.tasks.sql.DatabaseCredentials;
import dev.sluice.tasks.sql.SqlTaskException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A load's table as the database knows it: its quoted name, and for each input column the table
 * column it goes to (quoted), its JDBC type, and whether it is a date-time without a zone (a {@code timestamp} of
 * PostgreSQL or H2) that keeps an {@code Instant} as its UTC wall time.
 */
record Target(String table, String quotedTable, List<String> inputColumns, List<String> columns,
              List<String> quotedColumns, int[] sqlTypes, boolean[] utcWallTime, List<String> allColumns) {

    /** The quoted column list {@code "a", "b"}. */
    String columnList() {
        return String.join(", ", quotedColumns);
    }

    /** The quoted table column an input column (or key) goes to. */
    String quotedColumnFor(String inputName) {
        for (int i = 0; i < inputColumns.size(); i++) {
            if (inputColumns.get(i).equalsIgnoreCase(inputName) || columns.get(i).equalsIgnoreCase(inputName)) {
                return quotedColumns.get(i);
            }
        }
        throw new IllegalArgumentException("key column '" + inputName + "' is not among the loaded columns " + inputColumns);
    }

    /**
     * Finds the table (as given, then as the database folds unquoted names) and maps the input
     * columns to its columns (exactly, then ignoring case, then ignoring case and '_'). Runs in
     * auto-commit mode so a failed probe leaves no aborted transaction behind.
     */
    static Target resolve(Connection conn, String table, List<String> inputColumns, DatabaseCredentials credentials)
            throws SQLException {
        SQLException first = null;
        for (String candidate : candidates(conn, table)) {
            String quoted = quoteQualified(candidate);
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM " + quoted + " WHERE 1 = 0")) {
                ResultSetMetaData md = rs.getMetaData();
                List<String> all = new ArrayList<>();
                List<Integer> types = new ArrayList<>();
                List<Boolean> zoneless = new ArrayList<>();
                // SQLite keeps the text a load writes, offset and all: only real date-time columns need the rule
                boolean sqlite = String.valueOf(conn.getMetaData().getURL()).startsWith("jdbc:sqlite:");
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    all.add(md.getColumnName(i));
                    types.add(md.getColumnType(i));
                    zoneless.add(!sqlite && Values.isZonelessTimestamp(md.getColumnTypeName(i)));
                }
                return map(table, quoted, inputColumns, all, types, zoneless);
            } catch (SQLException e) {
                if (SqlErrors.isConnectionLost(e)) {
                    throw e;
                }
                if (first == null) {
                    first = e;
                }
            }
        }
        throw new SqlTaskException("table '" + table + "' does not exist in " + credentials.redactedUrl()
                + " or user '" + credentials.username() + "' cannot read it: "
                + SqlErrors.describe(first == null ? new SQLException("no candidate name") : first)
                + "; check the table name and schema", first);
    }

    private static Target map(String table, String quoted, List<String> input, List<String> all, List<Integer> types,
            List<Boolean> zoneless) {
        List<String> cols = new ArrayList<>();
        List<String> quotedCols = new ArrayList<>();
        int[] sqlTypes = new int[input.size()];
        boolean[] utcWallTime = new boolean[input.size()];
        for (int k = 0; k < input.size(); k++) {
            String want = input.get(k);
            int found = find(all, want);
            if (found < 0) {
                throw new SqlTaskException("table '" + table + "' has no column '" + want + "'; its columns are " + all);
            }
            cols.add(all.get(found));
            quotedCols.add(Identifiers.quote(all.get(found)));
            sqlTypes[k] = types.get(found);
            utcWallTime[k] = zoneless.get(found);
        }
        return new Target(table, quoted, List.copyOf(input), List.copyOf(cols), List.copyOf(quotedCols), sqlTypes, utcWallTime,
                List.copyOf(all));
    }

    private static int find(List<String> all, String want) {
        int i = all.indexOf(want);
        if (i >= 0) {
            return i;
        }
        for (int j = 0; j < all.size(); j++) {
            if (all.get(j).equalsIgnoreCase(want)) {
                return j;
            }
        }
        int match = -1;
        String loose = Values.loose(want);
        for (int j = 0; j < all.size(); j++) {
            if (Values.loose(all.get(j)).equals(loose)) {
                if (match >= 0) {
                    throw new SqlTaskException("column '" + want + "' matches both '" + all.get(match) + "' and '"
                            + all.get(j) + "'; name the columns exactly with LoadSpec.withColumns");
                }
                match = j;
            }
        }
        return match;
    }

    private static Set<String> candidates(Connection conn, String table) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        names.add(table);
        if (conn.getMetaData().storesUpperCaseIdentifiers()) {
            names.add(table.toUpperCase(Locale.ROOT));
        }
        if (conn.getMetaData().storesLowerCaseIdentifiers()) {
            names.add(table.toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Quotes {@code name} or {@code schema.name}; the parts were checked by {@link Identifiers#checkTable}. */
    static String quoteQualified(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? Identifiers.quote(table)
                : Identifiers.quote(table.substring(0, dot)) + "." + Identifiers.quote(table.substring(dot + 1));
    }
}
