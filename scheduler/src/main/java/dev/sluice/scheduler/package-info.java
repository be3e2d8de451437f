/**
 * Deployments and schedules: a {@link dev.sluice.scheduler.Deployment} makes a flow runnable by
 * name from outside its {@code main}, with a {@link dev.sluice.scheduler.ParameterSchema} another
 * process can read, and {@link dev.sluice.scheduler.Schedule schedules} (interval, cron, RRULE) whose
 * occurrences follow one written rule for daylight-saving changes.
 *
 * <pre>{@code
 * record Report(String city, @Default("7") @Range(min = 1, max = 90) int days) {}
 * Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> build(r));
 *
 * Deployment daily = Deployment.of(report, Report.class)
 *         .withSchedules(Schedule.cron("0 6 * * *", ZoneId.of("Europe/Berlin")))
 *         .withParameters(Map.of("city", "Boston"))
 *         .withCatchUp(CatchUp.LATEST)
 *         .withOverlap(Overlap.SKIP);
 * daily.nextSlots(3, Instant.now());                       // the next three slot times
 * daily.parameterSchema().toJson();                         // what a form or the CLI reads
 * daily.runForState(Map.of("days", "30"));                  // validated, converted, run
 * }</pre>
 */
@NullMarked
package dev.sluice.scheduler;

import org.jspecify.annotations.NullMarked;
