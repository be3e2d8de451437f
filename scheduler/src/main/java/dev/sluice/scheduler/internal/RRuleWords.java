package dev.sluice.scheduler.internal;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dmfs.rfc5545.recur.Freq;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.jspecify.annotations.Nullable;

/** RRULEs in words for the common shapes ("weekly on Saturday and Sunday at 09:00"); null for the rest. */
final class RRuleWords {
    private RRuleWords() {
    }

    /** {@code where}: the zone and start, as they follow the main words (" Europe/Berlin from 2026-01-01T09:00"). */
    static @Nullable String describe(RecurrenceRule rule, LocalDateTime start, String where, @Nullable LocalDateTime untilLocal,
            @Nullable Instant untilInstant) {
        for (RecurrenceRule.Part part : List.of(RecurrenceRule.Part.BYSETPOS, RecurrenceRule.Part.BYWEEKNO,
                RecurrenceRule.Part.BYYEARDAY)) {
            if (rule.hasPart(part)) {
                return null;
            }
        }
        Freq freq = rule.getFreq();
        int n = rule.getInterval();
        StringBuilder sb = new StringBuilder(switch (freq) {
            case YEARLY -> n == 1 ? "yearly" : "every " + n + " years";
            case MONTHLY -> n == 1 ? "monthly" : "every " + n + " months";
            case WEEKLY -> n == 1 ? "weekly" : "every " + n + " weeks";
            case DAILY -> n == 1 ? "every day" : "every " + n + " days";
            case HOURLY -> n == 1 ? "every hour" : "every " + n + " hours";
            case MINUTELY -> n == 1 ? "every minute" : "every " + n + " minutes";
            case SECONDLY -> n == 1 ? "every second" : "every " + n + " seconds";
        });
        boolean byMonth = rule.hasPart(RecurrenceRule.Part.BYMONTH);
        boolean byMonthDay = rule.hasPart(RecurrenceRule.Part.BYMONTHDAY);
        boolean byDay = rule.hasPart(RecurrenceRule.Part.BYDAY);
        if (RRuleTimetable.isSubDaily(freq)) {
            if (byMonth || byMonthDay || byDay || rule.hasPart(RecurrenceRule.Part.BYHOUR)
                    || rule.hasPart(RecurrenceRule.Part.BYMINUTE) || rule.hasPart(RecurrenceRule.Part.BYSECOND)) {
                return null;
            }
            if (freq == Freq.HOURLY) {
                sb.append(" at :").append(two(start.getMinute())).append(start.getSecond() == 0 ? "" : ":" + two(start.getSecond()));
            }
            return withEnd(sb.append(where), rule, untilLocal, untilInstant);
        }
        if (freq == Freq.YEARLY && !byMonth && !byMonthDay && !byDay) {
            sb.append(" on ").append(start.getDayOfMonth()).append(' ').append(month(start.getMonthValue()));
        } else {
            if (byMonthDay) {
                List<Integer> days = rule.getByPart(RecurrenceRule.Part.BYMONTHDAY);
                List<String> names = new ArrayList<>();
                for (int d : days) {
                    names.add(d == -1 ? "the last day" : d < 0 ? "day " + d : String.valueOf(d));
                }
                sb.append(days.size() == 1 && days.get(0) == -1 ? " on " : days.size() == 1 ? " on day " : " on days ")
                        .append(CronWords.join(names));
            }
            if (byDay) {
                List<String> names = new ArrayList<>();
                for (RecurrenceRule.WeekdayNum w : rule.getByDayPart()) {
                    String day = DayOfWeek.valueOf(dayName(w.weekday.name())).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
                    if (w.pos == 0) {
                        names.add(day);
                    } else {
                        String ordinal = ordinal(w.pos);
                        if (ordinal == null) {
                            return null;
                        }
                        names.add("the " + ordinal + " " + day);
                    }
                }
                sb.append(byMonthDay ? " if " : " on ").append(byMonthDay ? String.join(" or ", names) : CronWords.join(names));
            }
            if (!byMonthDay && !byDay) {
                if (freq == Freq.WEEKLY) {
                    sb.append(" on ").append(start.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                } else if (freq == Freq.MONTHLY || freq == Freq.YEARLY) {
                    sb.append(" on day ").append(start.getDayOfMonth());
                }
            }
            if (byMonth) {
                List<String> names = new ArrayList<>();
                // lib-recur numbers months from 0
                rule.getByPart(RecurrenceRule.Part.BYMONTH).forEach(m -> names.add(month(m + 1)));
                sb.append(" in ").append(CronWords.join(names));
            }
        }
        List<Integer> hours = part(rule, RecurrenceRule.Part.BYHOUR, start.getHour());
        List<Integer> minutes = part(rule, RecurrenceRule.Part.BYMINUTE, start.getMinute());
        List<Integer> seconds = part(rule, RecurrenceRule.Part.BYSECOND, start.getSecond());
        if (hours.size() * minutes.size() * seconds.size() > 6) {
            return null;
        }
        List<String> times = new ArrayList<>();
        for (int h : hours) {
            for (int m : minutes) {
                for (int s : seconds) {
                    times.add(two(h) + ":" + two(m) + (s == 0 ? "" : ":" + two(s)));
                }
            }
        }
        sb.append(" at ").append(CronWords.join(times));
        return withEnd(sb.append(where), rule, untilLocal, untilInstant);
    }

    private static String withEnd(StringBuilder sb, RecurrenceRule rule, @Nullable LocalDateTime untilLocal,
            @Nullable Instant untilInstant) {
        if (rule.getCount() != null) {
            sb.append(", ").append(rule.getCount()).append(rule.getCount() == 1 ? " time" : " times");
        }
        if (untilLocal != null) {
            sb.append(", until ").append(untilLocal);
        }
        if (untilInstant != null) {
            sb.append(", until ").append(untilInstant);
        }
        return sb.toString();
    }

    private static List<Integer> part(RecurrenceRule rule, RecurrenceRule.Part part, int fallback) {
        if (!rule.hasPart(part)) {
            return List.of(fallback);
        }
        List<Integer> values = new ArrayList<>(rule.getByPart(part));
        values.sort(null);
        return values;
    }

    private static String dayName(String rfc) {
        return switch (rfc) {
            case "MO" -> "MONDAY";
            case "TU" -> "TUESDAY";
            case "WE" -> "WEDNESDAY";
            case "TH" -> "THURSDAY";
            case "FR" -> "FRIDAY";
            case "SA" -> "SATURDAY";
            default -> "SUNDAY";
        };
    }

    private static @Nullable String ordinal(int pos) {
        return switch (pos) {
            case 1 -> "first";
            case 2 -> "second";
            case 3 -> "third";
            case 4 -> "fourth";
            case 5 -> "fifth";
            case -1 -> "last";
            case -2 -> "second-to-last";
            default -> null;
        };
    }

    private static String month(int m) {
        return Month.of(m).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : String.valueOf(n);
    }
}
