package dev.sluice.tasks.sql.internal;

import java.sql.SQLException;

/** An open {@code COPY ... FROM STDIN}; implemented over pgjdbc by {@link PgCopy}. */
interface CopySink {
    void write(byte[] bytes, int off, int len) throws SQLException;

    /** Ends the copy; returns the rows the server took. */
    long end() throws SQLException;

    /** Abandons the copy; never throws. */
    void cancel();
}
