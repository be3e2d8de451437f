package dev.sluice.tasks.sql.internal;

import java.util.List;
import java.util.regex.Pattern;

/** Table and column names: validated as plain identifiers, then quoted; never concatenated as given. */
public final class Identifiers {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,127}");

    private Identifiers() {
    }

    /** Checks {@code name} or {@code schema.name}. */
    public static void checkTable(String table) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2 || !PLAIN.matcher(parts[0]).matches()
                || (parts.length == 2 && !PLAIN.matcher(parts[1]).matches())) {
            throw new IllegalArgumentException("table name '" + table + "' is not a plain identifier: use letters, "
                    + "digits, '_' and '$', starting with a letter or '_', as 'name' or 'schema.name'");
        }
    }

    public static void checkColumns(String what, List<String> names) {
        for (String name : names) {
            checkColumn(what, name);
        }
    }

    public static void checkColumn(String what, String name) {
        if (!PLAIN.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name + "' is not a plain identifier: use letters, "
                    + "digits, '_' and '$', starting with a letter or '_'");
        }
    }

    /** {@code "name"}: safe because a checked name holds no quote. */
    public static String quote(String name) {
        if (!PLAIN.matcher(name).matches()) {
            // names come from the database's catalog here; double any quote as the standard says
            return '"' + name.replace("\"", "\"\"") + '"';
        }
        return '"' + name + '"';
    }
}
