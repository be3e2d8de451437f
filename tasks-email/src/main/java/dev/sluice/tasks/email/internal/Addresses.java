package dev.sluice.tasks.email.internal;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.List;

/** Address checks (they parse with the mail API): addresses that parse, named by field when they do not. */
public final class Addresses {
    private Addresses() {
    }

    /**
     * Checks that {@code address} is one valid address such as {@code ops@example.com} or
     * {@code "Ops Team <ops@example.com>"}, naming {@code field} and the address if not.
     */
    public static void address(String field, String address) {
        Checks.noLineBreaks(field, address);
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            if (parsed.getAddress() == null || !parsed.getAddress().contains("@")) {
                throw new AddressException("no '@'");
            }
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + " address '" + address + "' is not a valid email address ("
                    + e.getMessage() + "); give one address such as ops@example.com or \"Ops <ops@example.com>\"", e);
        }
    }

    /** Checks every address in {@code addresses}, naming {@code field}. */
    public static void addresses(String field, List<String> addresses) {
        for (String a : addresses) {
            if (a == null) {
                throw new NullPointerException(field + " contains null");
            }
            address(field, a);
        }
    }

}
