package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Flow;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Deployment;
import dev.sluice.scheduler.DeploymentRun;
import dev.sluice.scheduler.InvalidParametersException;
import dev.sluice.scheduler.RunStatus;
import dev.sluice.scheduler.Worker;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/deployments/{name}/runs} answers the same run, or the same wrong fields, as
 * {@code DeploymentClient.trigger} for the same values: numbers written as JSON numbers or as text, huge exponents, a
 * field given twice.
 */
class TriggerParameterBodiesIT {
    static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    record Amounts(String city, BigDecimal amount, double ratio) {
    }

    static final Flow<Amounts, String> AMOUNTS = Flow.of("amounts", (Amounts a) -> a.city() + " " + a.amount().toPlainString().length());

    @Test
    void numbersAndFieldsGivenTwiceAnswerAsTheLibraryDoes(@TempDir Path dir) throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("sluice.db"));
        try (Worker worker = Worker.builder(db).pollingInterval(Duration.ofMillis(20)).deployments(Deployment.of(AMOUNTS, Amounts.class))
                        .start();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().port(0).printUrl(false).database(db).build())) {
            HttpClient http = HttpClient.newHttpClient();
            URI runs = URI.create("http://127.0.0.1:" + server.port() + "/api/deployments/amounts/runs");

            // a huge exponent in text: a wrong field, as the library says (it was a 500 from an ArithmeticException)
            HttpResponse<String> huge = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": \"1e999999999\", \"ratio\": 0.5}}");
            assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
            JsonNode errors = JSON.readTree(huge.body()).get("errors");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).get("parameter").asText()).isEqualTo("amount");
            String libraryMessage;
            try {
                worker.client().trigger("amounts", Map.of("city", "Oslo", "amount", "1e999999999", "ratio", 0.5));
                throw new AssertionError("the library took it");
            } catch (InvalidParametersException e) {
                libraryMessage = e.errors().get(0).message();
            }
            assertThat(errors.get(0).get("message").asText()).isEqualTo(libraryMessage);

            // the same as a JSON number (read as a BigDecimal): the same wrong field, not a 500 from writing its message,
            // and one a hundred million digits long when written out is refused as quickly
            for (String number : new String[] {"1e999999999", "1e99999999"}) {
                long start = System.nanoTime();
                HttpResponse<String> hugeNumber = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": " + number
                        + ", \"ratio\": 0.5}}");
                assertThat(hugeNumber.statusCode()).as(number + ": " + hugeNumber.body()).isEqualTo(400);
                JsonNode numberErrors = JSON.readTree(hugeNumber.body()).get("errors");
                assertThat(numberErrors).as(number).hasSize(1);
                assertThat(numberErrors.get(0).get("parameter").asText()).isEqualTo("amount");
                assertThat(numberErrors.get(0).get("message").asText()).contains(new BigDecimal(number).toString(), "out of range");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as(number).isLessThan(Duration.ofSeconds(5));
            }

            // 1e400 as a JSON number is the number the text "1e400" is, not "Infinity"
            HttpResponse<String> asText = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": \"1e400\", \"ratio\": 0.5}}");
            HttpResponse<String> asNumber = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": 1e400, \"ratio\": 0.5}}");
            assertThat(asText.statusCode()).as(asText.body()).isEqualTo(201);
            assertThat(asNumber.statusCode()).as(asNumber.body()).isEqualTo(201);
            assertThat(JSON.readTree(asNumber.body()).get("parameters")).isEqualTo(JSON.readTree(asText.body()).get("parameters"));
            DeploymentRun ran = worker.client().awaitFinished(JSON.readTree(asNumber.body()).get("id").asText(), Duration.ofSeconds(20))
                    .orElseThrow();
            assertThat(ran.status()).as(ran.toString()).isEqualTo(RunStatus.COMPLETED);
            // a decimal keeps the digits it was sent with
            HttpResponse<String> exact = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": 0.10000000000000000001, \"ratio\": 0.1}}");
            assertThat(exact.statusCode()).as(exact.body()).isEqualTo(201);
            assertThat(JSON.readTree(exact.body()).get("parameters").get("amount").decimalValue())
                    .isEqualByComparingTo("0.10000000000000000001");

            // a double is bounded by its range (beyond it would be Infinity), shown short on the run form
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/deployments/amounts")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.body()).contains("from -1.7976931348623157E+308 to 1.7976931348623157E+308").doesNotContain("17976931348623157000");
            HttpResponse<String> infinite = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": 1, \"ratio\": 1e400}}");
            assertThat(infinite.statusCode()).as(infinite.body()).isEqualTo(400);
            assertThat(infinite.body()).contains("ratio", "1E+400 is more than the maximum 1.7976931348623157E+308");

            // a parameter given twice is refused naming it, not quietly one of the two, nor a message that does not say why
            HttpResponse<String> twice = post(http, runs, "{\"parameters\": {\"city\": \"Oslo\", \"amount\": 1, \"ratio\": 1, \"city\": \"Rome\"}}");
            assertThat(twice.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(twice.body()).get("message").asText()).contains("'city'", "twice");

            // a route that takes no fields refuses a body with one, as the docs say of every route, rather than pausing
            // (or cancelling, or running again) while leaving it out; an empty body or {} is what the CLI sends
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> pause = post(http, URI.create(base + "/api/deployments/amounts/pause"), "{\"paused\": false}");
            assertThat(pause.statusCode()).as(pause.body()).isEqualTo(400);
            assertThat(JSON.readTree(pause.body()).get("message").asText()).contains("'paused'", "takes no");
            assertThat(worker.client().deployment("amounts").orElseThrow().paused()).isFalse();
            assertThat(post(http, URI.create(base + "/api/deployments/amounts/pause"), "{}").statusCode()).isEqualTo(200);
            assertThat(post(http, URI.create(base + "/api/deployments/amounts/resume"), "").statusCode()).isEqualTo(200);
            String runId = JSON.readTree(exact.body()).get("id").asText();
            worker.client().awaitFinished(runId, Duration.ofSeconds(20)).orElseThrow();
            HttpResponse<String> retry = post(http, URI.create(base + "/api/deployment-runs/" + runId + "/retry"), "{\"parameters\": {\"city\": \"Rome\"}}");
            assertThat(retry.statusCode()).as(retry.body()).isEqualTo(400);
            assertThat(retry.body()).contains("'parameters'");
            assertThat(worker.client().runs("amounts", 100)).noneMatch(r -> r.retryOf() != null);
        }
    }

    static HttpResponse<String> post(HttpClient http, URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
