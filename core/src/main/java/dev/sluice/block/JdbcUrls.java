package dev.sluice.block;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Connection URLs that may hold credentials ({@code jdbc:postgresql://user:pw@host/db?password=pw},
 * Oracle's {@code jdbc:oracle:thin:user/pw@host:1521:db}): the form to show, and the passwords in them.
 * One place for every module that prints or stores such a URL (the run history's database, SQL
 * credentials, the dashboard's blocks page).
 *
 * <pre>{@code
 * String shown = JdbcUrls.redacted("jdbc:postgresql://etl:pw@db:5432/dw?ssl=true");   // "jdbc:postgresql://**********@db:5432/dw?..."
 * List<String> found = JdbcUrls.passwords("jdbc:postgresql://db/dw?user=etl&password=s3cret"); // ["s3cret"]
 * }</pre>
 */
public final class JdbcUrls {
    /** A {@code password=}, {@code secret=}, {@code token=} or {@code key=}-like parameter. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)[?&;]([a-z_.-]*(?:password|secret|token|key)[a-z_.-]*)=([^&;]+)");

    private JdbcUrls() {
    }

    /**
     * {@code url} without its parameters (from the first {@code ?} or {@code ;}, shown as {@code ?...})
     * and with its user info masked; {@code "null"} for null.
     */
    public static String redacted(@Nullable String url) {
        if (url == null) {
            return "null";
        }
        int cut = url.length();
        int q = url.indexOf('?');
        int s = url.indexOf(';');
        if (q >= 0) {
            cut = q;
        }
        if (s >= 0 && s < cut) {
            cut = s;
        }
        String shown = url.substring(0, cut);
        int at = shown.lastIndexOf('@');
        if (at >= 0) {
            int slashes = shown.indexOf("//");
            int start = slashes >= 0 && slashes < at ? slashes + 2 : shown.lastIndexOf(':', at) + 1;
            shown = shown.substring(0, start) + dev.sluice.internal.Masker.MASK + shown.substring(at);
        }
        return cut < url.length() ? shown + "?..." : shown;
    }

    /**
     * The secret values written into {@code url}: the password of {@code user:password@host}, of Oracle's
     * {@code user/password@host}, and the values of password-, secret-, token- and key-like parameters (as
     * written and URL-decoded); values shorter than 3 characters are left out.
     */
    public static List<String> passwords(String url) {
        List<String> out = new ArrayList<>();
        Matcher m = SECRET_PARAMETER.matcher(url);
        while (m.find()) {
            out.add(m.group(2));
            String decoded = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
            if (!decoded.equals(m.group(2))) {
                out.add(decoded);
            }
        }
        int q = url.indexOf('?');
        String head = q >= 0 ? url.substring(0, q) : url;
        int at = head.lastIndexOf('@');
        int slashes = head.indexOf("//");
        if (at > 0 && slashes >= 0 && slashes < at) {
            String userInfo = head.substring(slashes + 2, at);
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && colon < userInfo.length() - 1) {
                out.add(userInfo.substring(colon + 1));
            }
        } else if (at > 0) {
            String before = head.substring(head.lastIndexOf(':', at) + 1, at);
            int slash = before.indexOf('/');
            if (slash >= 0 && slash < before.length() - 1) {
                out.add(before.substring(slash + 1));
            }
        }
        out.removeIf(p -> p.length() < 3);
        return List.copyOf(out);
    }
}
