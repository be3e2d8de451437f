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
        String mailbox;
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            mailbox = parsed.getAddress();
            if (mailbox == null || !mailbox.contains("@")) {
                throw new AddressException("no '@'");
            }
            asciiDomain(mailbox.substring(mailbox.lastIndexOf('@') + 1));
        } catch (AddressException e) {
            throw new IllegalArgumentException(field + " address '" + address + "' is not a valid email address ("
                    + e.getMessage() + "); give one address such as ops@example.com or \"Ops <ops@example.com>\"", e);
        }
        if (!isAscii(mailbox.substring(0, mailbox.lastIndexOf('@')))) {
            throw new IllegalArgumentException(field + " address '" + address + "' has characters beyond ASCII before"
                    + " the '@': such an address needs SMTPUTF8, which Sluice does not use, and the server would get it"
                    + " mangled (delivered to another mailbox, or refused); use the mailbox's ASCII address or alias");
        }
    }

    /**
     * {@code domain} as SMTP and mail headers carry it: ASCII, an internationalized domain name
     * ({@code bücher.example}) in its punycode form ({@code xn--bcher-kva.example}).
     *
     * @throws AddressException if it is not a valid domain name
     */
    static String asciiDomain(String domain) throws AddressException {
        if (isAscii(domain)) {
            return domain;
        }
        try {
            return java.net.IDN.toASCII(domain, java.net.IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            throw new AddressException("the domain '" + domain + "' is not a valid internationalized domain name ("
                    + e.getMessage() + ")");
        }
    }

    static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
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
