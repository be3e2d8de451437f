package dev.sluice.examples.javadoc;

import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.CatchUp;
import dev.sluice.scheduler.Default;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentClient;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.InvalidParametersException;
import dev.sluice.scheduler.Overlap;
import dev.sluice.scheduler.Parameter;
import dev.sluice.scheduler.ParameterError;
import dev.sluice.scheduler.ParameterSchema;
import dev.sluice.scheduler.ParameterValidation;
import dev.sluice.scheduler.Pattern;
import dev.sluice.scheduler.Range;
import dev.sluice.scheduler.Schedule;
import dev.sluice.scheduler.SchedulerException;
import dev.sluice.scheduler.Sluice;
import dev.sluice.scheduler.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The code examples of sluice-scheduler's Javadoc, each in a method that first declares what the example uses
 * ({@link dev.sluice.examples.JavadocExamplesTest} checks they stand here line for line;
 * {@link JavadocExamplesRunTest} runs those whose comments promise a result).
 */
@SuppressWarnings("unused")
final class SchedulerExamples {
    private static final Logger log = LoggerFactory.getLogger(SchedulerExamples.class);

    private SchedulerExamples() {
    }

    /** The report the examples' flows make: the days asked for. */
    static <P> int build(P parameters) {
        lastBuilt = parameters;
        return parameters.toString().length();
    }

    static volatile Object lastBuilt;

    /** The parameters of a deployment the examples validate against. */
    record Days(@Default("7") @Range(min = 1, max = 90) int days) {
    }

    static Deployment reportDeployment() {
        return Deployment.of(Flow.of("days-report", (Days d) -> build(d)), Days.class);
    }

    enum Mode { FULL, DELTA }

    /** {@link CatchUp}'s class comment. */
    static List<Deployment> catchUp(Deployment deployment) {
        Deployment skip    = deployment.withCatchUp(CatchUp.NONE);                         // skip what was missed
        Deployment latest  = deployment.withCatchUp(CatchUp.LATEST);                       // run the latest missed slot once
        Deployment recent  = deployment.withCatchUp(CatchUp.LATEST, Duration.ofHours(6));  // ... if it is at most 6 hours old
        Deployment lastDay = deployment.withCatchUp(CatchUp.ALL, Duration.ofDays(1));      // run every slot of the last day, oldest first
        // each a copy: a deployment never changes
        return List.of(skip, latest, recent, lastDay);
    }

    /** {@link Default}'s class comment. */
    static void defaultAnnotation() {
        record Report(String city, @Default("7") int days, @Default("FULL") Mode mode) {}
    }

    /** {@link Deployment}'s class comment: returns the next slots and the run. */
    static List<Object> deployment() {
        record Report(String city, @Default("7") @Range(min = 1, max = 90) int days) {}
        Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> build(r));

        Deployment daily = Deployment.of(report, Report.class)          // name "daily-report", schema from Report
                .withVersion("2026.01")
                .withDescription("The sales report, every morning")
                .withTags("team:sales")
                .withParameters(Map.of("city", "Boston"))                // defaults, checked against the schema
                .withSchedules(Schedule.cron("0 6 * * MON-FRI", ZoneId.of("America/New_York")),
                               Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", ZoneId.of("America/New_York")))
                .withConcurrencyLimit(1)
                .withCatchUp(CatchUp.ALL, Duration.ofHours(12))
                .withOverlap(Overlap.QUEUE_ONE);

        daily.nextSlots(5, Instant.now());                   // both schedules, merged
        FlowRun<?> run = daily.runForState(Map.of("days", "30")); // {city=Boston, days=30} → Report → the flow
        return List.of(daily.nextSlots(5, Instant.now()), run);
    }

    /** {@link DeploymentClient}'s class comment. */
    static void deploymentClient() {
        try (DeploymentClient client = DeploymentClient.open(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))) {
            String runId = client.trigger("daily-report", Map.of("city", "Berlin", "days", 30));
            client.backfill("daily-report", Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), false);
            client.cancel(runId);
            client.pause("daily-report");
        }
    }

    /** {@link DeploymentRun#slotTime()}. */
    static LocalDate deploymentRunSlotTime(ZoneId zone) {
        LocalDate day = DeploymentRun.current().flatMap(DeploymentRun::slotTime)
                .map(slot -> LocalDate.ofInstant(slot, zone).minusDays(1)) // the day before the slot
                .orElse(LocalDate.now(zone).minusDays(1));                 // run directly: yesterday
        return day;
    }

    /** A form that shows what a person typed wrong. */
    interface Form {
        void markInvalid(String parameter, String message);
    }

    /** {@link InvalidParametersException}'s class comment. */
    static void invalidParametersException(Deployment deployment, Form form) {
        try {
            deployment.runForState(Map.of("days", 0));
        } catch (InvalidParametersException e) {
            e.errors().forEach(err -> form.markInvalid(err.parameter(), err.message()));
        }
    }

    /** {@link Overlap}'s class comment. */
    static Deployment overlap(Deployment deployment) {
        Deployment hourly = deployment.withOverlap(Overlap.SKIP);   // a copy: an hourly job that sometimes takes 70 minutes skips a slot
        return hourly;
    }

    /** {@link Parameter}'s class comment. */
    static List<Parameter> parameter() {
        Parameter days = Parameter.integer("days").withRange(1, 90).withDefault(7).withDescription("how far back");
        Parameter mode = Parameter.choice("mode", Mode.class).withDefault(Mode.FULL);
        Parameter note = Parameter.string("note").optional();
        return List.of(days, mode, note);
    }

    /** {@link ParameterError}'s class comment. */
    static String parameterError() {
        return
        new ParameterError("days", "0 is less than the minimum 1").toString();   // "days: 0 is less than the minimum 1"
    }

    /** {@link ParameterSchema}'s class comment: returns the JSON, the values validated and the record converted. */
    static List<Object> parameterSchema() {
        enum Mode { FULL, DELTA }
        record Report(@Pattern("[A-Z][a-z]+") String city,
                      LocalDate day,
                      @Range(min = 1, max = 90) @Default("7") int days,
                      @Default("FULL") Mode mode,
                      Optional<String> note) {}

        ParameterSchema schema = ParameterSchema.from(Report.class);
        String json = schema.toJson();                       // {"type":"object","properties":{"city":{...},...},"required":["city","day"],...}

        // elsewhere, without Report on the class path:
        ParameterValidation v = ParameterSchema.parse(json).validate(Map.of("city", "Boston", "day", "2026-01-31"));
        v.values();                                          // {city=Boston, day=2026-01-31, days=7, mode=FULL}

        // where Report is known:
        Report r = schema.convert(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"), Report.class);

        // declared:
        ParameterSchema declared = ParameterSchema.of(
                Parameter.string("city").withPattern("[A-Z][a-z]+"),
                Parameter.integer("days").withRange(1, 90).withDefault(7));
        List<Object> results = new ArrayList<>();
        results.add(json);
        results.add(v.values());
        results.add(r);
        results.add(declared);
        return results;
    }

    /** {@link dev.sluice.scheduler.ParameterType}'s class comment. */
    static List<Parameter> parameterType() {
        Parameter day = Parameter.date("day");                      // DATE: "2026-01-31"
        Parameter mode = Parameter.choice("mode", "full", "delta"); // CHOICE: one of the names
        return List.of(day, mode);
    }

    static final List<Object> stored = new ArrayList<>();

    static void store(Map<String, Object> values) {
        stored.add(values);
    }

    static void show(List<ParameterError> errors) {
        stored.add(errors);
    }

    /** {@link ParameterValidation}'s class comment, with the schema of {@link ParameterSchema}'s. */
    static void parameterValidation(ParameterSchema schema) {
        ParameterValidation v = schema.validate(Map.of("city", "Boston", "day", "2026-01-31", "days", "30"));
        if (v.isValid()) {
            store(v.values());        // {city=Boston, day=2026-01-31, days=30, mode=FULL}
        } else {
            show(v.errors());
        }
    }

    /** {@link Pattern}'s class comment. */
    static void pattern() {
        record Extract(@Pattern("[A-Z]{3}") String currency) {}
    }

    /** {@link Range}'s class comment. */
    static void range() {
        record Load(@Range(min = 1, max = 10_000) int batchSize, @Range(min = 0, max = 1) double sample) {}
    }

    /** {@link Schedule}'s class comment: returns the next slots, the description and whether the text form parses back. */
    static List<Object> schedule() {
        Schedule daily    = Schedule.cron("0 6 * * *", ZoneId.of("Europe/Berlin"));       // every day at 06:00 Europe/Berlin
        Schedule weekends = Schedule.rrule("FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=9", ZoneId.of("Europe/Berlin"));
        Schedule quarter  = Schedule.interval(Duration.ofMinutes(15)).anchoredAt(Instant.parse("2026-01-01T00:00:00Z"));

        List<Instant> slots = daily.next(3, Instant.now());             // the next three slots, strictly after now
        String text = daily.description();                              // "every day at 06:00 Europe/Berlin"
        boolean same = Schedule.parse(daily.toString()).equals(daily);  // true: the text form is for storage and the CLI
        return List.of(slots, text, same, weekends.description(), quarter.description());
    }

    /** {@link SchedulerException}'s class comment. */
    static void schedulerException(Deployment deployment, Map<String, Object> input) {
        try {
            deployment.runForState(input);
        } catch (SchedulerException e) {       // InvalidParametersException, ...
            log.warn("not run: {}", e.getMessage());
        }
    }

    /** The parameters of {@link Sluice}'s example. */
    record Report(String city, @Default("7") int days) {
    }

    static final Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> build(r));

    /** {@link Sluice}'s class comment. */
    static final class ServeMain {
        public static void main(String[] args) {
            Sluice.serve(Deployment.of(report, Report.class)
                    .withSchedules(Schedule.cron("0 6 * * MON-FRI", "America/New_York")));
        }
    }

    /** {@link Worker}'s class comment. */
    static void worker(Deployment daily, Deployment hourly) {
        try (Worker worker = Worker.builder(HistoryDatabase.sqlite(Path.of("/srv/etl/sluice.db")))
                .deployments(daily, hourly)
                .start()) {
            String runId = worker.client().trigger("daily-report", Map.of("days", 30));
            // ... the application goes on; the worker fires schedules and runs triggered runs
        }                                              // stop: running runs get the grace period to finish
    }

    /** The package comment of {@code dev.sluice.scheduler}: returns the schema's JSON and the run. */
    static List<Object> schedulerPackage() {
        record Report(String city, @Default("7") @Range(min = 1, max = 90) int days) {}
        Flow<Report, Integer> report = Flow.of("daily-report", (Report r) -> build(r));

        Deployment daily = Deployment.of(report, Report.class)
                .withSchedules(Schedule.cron("0 6 * * *", ZoneId.of("Europe/Berlin")))
                .withParameters(Map.of("city", "Boston"))
                .withCatchUp(CatchUp.LATEST)
                .withOverlap(Overlap.SKIP);
        daily.nextSlots(3, Instant.now());                       // the next three slot times
        daily.parameterSchema().toJson();                         // what a form or the CLI reads
        daily.runForState(Map.of("days", "30"));                  // validated, converted, run
        return List.of(daily.nextSlots(3, Instant.now()), daily.parameterSchema().toJson(), daily.runForState(Map.of("days", "30")));
    }
}
