package dev.sluice.scheduler.internal;

import java.time.DayOfWeek;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Cron expressions in words for the common shapes ("every day at 06:00", "every Monday to Friday
 * at 05:30", "every 15 minutes"); anything else is described by its expression.
 */
final class CronWords {
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

    private CronWords() {
    }

    /** {@code fields}: the expanded 5- or 6-field form; {@code given}: what the user wrote. */
    static String describe(String fields, String given) {
        String[] f = fields.split(" ");
        String sec = f.length == 6 ? f[0] : "0";
        int o = f.length == 6 ? 1 : 0;
        String min = f[o];
        String hour = f[o + 1];
        String dom = f[o + 2];
        String mon = f[o + 3];
        String dow = f[o + 4];
        String words = words(sec, min, hour, dom, mon, dow);
        return words != null ? words : "cron '" + given + "' in";
    }

    private static @Nullable String words(String sec, String min, String hour, String dom, String mon, String dow) {
        boolean anyDate = any(dom) && any(mon) && any(dow);
        Integer s = single(sec, null);
        Integer m = single(min, null);
        if (anyDate && any(hour)) {
            if (any(sec)) {
                return any(min) ? "every second" : null;
            }
            Integer secStep = step(sec);
            if (secStep != null) {
                return any(min) ? "every " + secStep + " seconds" : null;
            }
            if (s == null || s != 0) {
                return m != null && s != null ? "every hour at :" + two(m) + ":" + two(s) : null;
            }
            if (any(min)) {
                return "every minute";
            }
            Integer minStep = step(min);
            if (minStep != null) {
                return "every " + minStep + " minutes";
            }
            return m != null ? "every hour at :" + two(m) : null;
        }
        if (s == null || m == null) {
            return null;
        }
        Integer hourStep = step(hour);
        if (hourStep != null && anyDate) {
            return "every " + hourStep + " hours at :" + two(m) + (s == 0 ? "" : ":" + two(s));
        }
        List<Integer> hours = list(hour, null);
        if (hours == null || hours.size() > 6) {
            return null;
        }
        List<String> times = new ArrayList<>();
        hours.stream().sorted().forEach(h -> times.add(two(h) + ":" + two(m) + (s == 0 ? "" : ":" + two(s))));
        String at = " at " + join(times);
        if (anyDate) {
            return "every day" + at;
        }
        if (any(dom) && any(mon)) {
            int[] range = range(dow, DAYS);
            if (range != null) {
                return "every " + day(range[0]) + " to " + day(range[1]) + at;
            }
            List<Integer> days = list(dow, DAYS);
            if (days == null) {
                return null;
            }
            List<String> names = new ArrayList<>();
            days.forEach(d -> names.add(day(d)));
            return "every " + join(names) + at;
        }
        if (!any(dow)) {
            return null;
        }
        List<Integer> months = any(mon) ? null : list(mon, MONTHS);
        if (!any(mon) && months == null) {
            return null;
        }
        if (any(dom)) {
            return months == null ? null : "every day in " + join(monthNames(months)) + at;
        }
        List<Integer> days = list(dom, null);
        if (days == null) {
            return null;
        }
        if (months == null) {
            return "on " + (days.size() == 1 ? "day " : "days ") + join(strings(days)) + " of every month" + at;
        }
        if (days.size() == 1 && months.size() == 1) {
            return "every year on " + days.get(0) + " " + monthName(months.get(0)) + at;
        }
        return "on " + (days.size() == 1 ? "day " : "days ") + join(strings(days)) + " of " + join(monthNames(months)) + at;
    }

    private static boolean any(String field) {
        return field.equals("*") || field.equals("?");
    }

    private static @Nullable Integer step(String field) {
        if (field.startsWith("*/") || field.startsWith("0/")) {
            return number(field.substring(2), null);
        }
        return null;
    }

    private static @Nullable Integer single(String field, String @Nullable [] names) {
        return field.contains(",") ? null : number(field, names);
    }

    private static @Nullable List<Integer> list(String field, String @Nullable [] names) {
        List<Integer> out = new ArrayList<>();
        for (String part : field.split(",")) {
            Integer n = number(part, names);
            if (n == null || out.contains(n)) {
                return null;
            }
            out.add(n);
        }
        return out;
    }

    private static int @Nullable [] range(String field, String[] names) {
        int dash = field.indexOf('-');
        if (dash <= 0 || field.contains(",") || field.contains("/")) {
            return null;
        }
        Integer a = number(field.substring(0, dash), names);
        Integer b = number(field.substring(dash + 1), names);
        return a == null || b == null || a >= b ? null : new int[] {a, b};
    }

    private static @Nullable Integer number(String text, String @Nullable [] names) {
        if (text.matches("\\d{1,2}")) {
            return Integer.parseInt(text);
        }
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equalsIgnoreCase(text)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        return null;
    }

    private static String day(int cronDay) {
        int iso = cronDay % 7 == 0 ? 7 : cronDay % 7;
        return DayOfWeek.of(iso).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static String monthName(int month) {
        return Month.of(month).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static List<String> monthNames(List<Integer> months) {
        List<String> out = new ArrayList<>();
        months.forEach(m -> out.add(monthName(m)));
        return out;
    }

    private static List<String> strings(List<Integer> numbers) {
        List<String> out = new ArrayList<>();
        numbers.forEach(n -> out.add(String.valueOf(n)));
        return out;
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }

    /** "a", "a and b", "a, b and c". */
    static String join(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }
}
