package dev.sluice.examples.javadoc;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.sluice.Flow;
import dev.sluice.FlowRun;
import dev.sluice.SluiceRuntime;
import dev.sluice.State;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.block.Secret;
import dev.sluice.cache.ResultStore;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.server.ServerOptions;
import dev.sluice.server.SluiceServer;
import dev.sluice.tasks.email.EmailSecurity;
import dev.sluice.tasks.email.EmailServerCredentials;
import dev.sluice.tasks.http.HttpExtract;
import dev.sluice.tasks.slack.SlackWebhook;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the Javadoc's examples that talk to a server against a real one (WireMock for HTTP APIs and Slack, GreenMail
 * for SMTP) and checks what their comments promise.
 */
class JavadocExamplesPeersIT {
    @TempDir
    Path home;

    private SluiceRuntime runtime;
    private WireMockServer api;

    @BeforeEach
    void start() {
        runtime = SluiceRuntime.builder().withoutExtensions().home(home)
                .blockStore(BlockStore.inMemory()).resultStore(ResultStore.inMemory()).sleeper(d -> { }).build();
        api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        api.start();
    }

    @AfterEach
    void stop() {
        api.stop();
        runtime.close();
    }

    private <T> T under(Supplier<T> example) {
        return runtime.call(example);
    }

    @Test
    void oneMapsTheWholeObject() {
        api.stubFor(get(urlEqualTo("/customers/42")).willReturn(okJson("{\"id\": 42, \"name\": \"Ada\"}")));
        assertThat(under(() -> HttpExamples.one(api.baseUrl()))).isEqualTo(new HttpExamples.Customer(42, "Ada"));
    }

    @Test
    void runIsARecordedTaskRunAndListRunsInTheCallersRun() {
        api.stubFor(get(urlPathEqualTo("/orgs/acme/repos")).withQueryParam("page", equalTo("1"))
                .willReturn(okJson("{\"data\": {\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}}")));
        api.stubFor(get(urlPathEqualTo("/orgs/acme/repos")).withQueryParam("page", equalTo("2"))
                .willReturn(okJson("{\"data\": {\"items\": []}}")));
        HttpExtract<HttpExamples.Repo> repos = HttpExtract.get(api.baseUrl() + "/orgs/acme/repos")
                .records("/data/items")
                .paginate(dev.sluice.tasks.http.Pagination.pageNumber("page", 1, "per_page", 100))
                .as(HttpExamples.Repo.class);
        List<HttpExamples.Repo> all = under(repos::run);
        int runsAfterRun = runtime.recentRuns().runs().size();
        List<HttpExamples.Repo> same = under(repos::list);
        HttpExamples.Loader load = new HttpExamples.Loader();
        under(() -> {
            try (java.util.stream.Stream<HttpExamples.Repo> s = repos.stream()) {
                s.forEach(load::row);
            }
            return null;
        });
        assertThat(all).extracting(HttpExamples.Repo::name).containsExactly("a", "b");
        assertThat(same).isEqualTo(all);
        assertThat(load.rows).isEqualTo(all);
        assertThat(runsAfterRun).isEqualTo(1);
        assertThat(runtime.recentRuns().runs()).hasSize(1); // list() and stream() ran in the caller's run: none of their own
    }

    @Test
    void aCustomPaginationFollowsNextSinceUntilItIsGone() {
        api.stubFor(get(urlPathEqualTo("/items")).withQueryParam("since", absent())
                .willReturn(okJson("{\"items\": [{\"n\": 1}, {\"n\": 2}], \"next_since\": 1234}")));
        api.stubFor(get(urlPathEqualTo("/items")).withQueryParam("since", equalTo("1234"))
                .willReturn(okJson("{\"items\": [{\"n\": 3}]}")));
        List<JsonNode> items = under(() -> HttpExtract.get(api.baseUrl() + "/items").records("/items")
                .paginate(HttpExamples.pagination()).list());
        assertThat(items).extracting(n -> n.path("n").asInt()).containsExactly(1, 2, 3);
    }

    @Test
    void aSavedSlackWebhookNotifiesOnItsOwn() {
        api.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200).withBody("ok")));
        runtime.run(() -> {
            Blocks.save("ops-alerts", SlackWebhook.of(Secret.of(api.baseUrl() + "/hook")));
            SlackExamples.slackWebhookNotify();
        });
        api.verify(1, postRequestedFor(urlEqualTo("/hook")));
        assertThat(api.getAllServeEvents().get(0).getRequest().getBodyAsString()).contains("Nightly load finished: 1,204 rows");
    }

    @Test
    void aFlowWithTheNotifierExampleHookNotifiesWhenItFails() {
        api.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200).withBody("ok")));
        Flow<String, Integer> flow = Flow.of("javadoc-notified", (String city) -> {
            throw new IllegalStateException("no data for " + city);
        });
        FlowRun<Integer> run = runtime.call(() -> {
            Blocks.save("ops-alerts", SlackWebhook.of(Secret.of(api.baseUrl() + "/hook")));
            return CoreExamples.notifier(flow).runForState("Boston");
        });
        assertThat(run.state()).isEqualTo(State.FAILED);
        api.verify(1, postRequestedFor(urlEqualTo("/hook")));
        assertThat(api.getAllServeEvents().get(0).getRequest().getBodyAsString()).contains("javadoc-notified");
    }

    @Test
    void sendMessageReturnsTheMessageIdTheServerGot() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("reports@example.com", "reports@example.com", "fake-smtp-pw"));
        smtp.start();
        try {
            EmailServerCredentials credentials = EmailServerCredentials.of("127.0.0.1", EmailSecurity.NONE, "reports@example.com",
                    Secret.of("fake-smtp-pw")).withPort(smtp.getSmtp().getPort());
            String id = under(() -> EmailExamples.sendMessage(credentials));
            MimeMessage[] received = smtp.getReceivedMessages();
            assertThat(received).hasSize(1);
            assertThat(received[0].getSubject()).isEqualTo("Loaded");
            assertThat(received[0].getMessageID()).isEqualTo(id);
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aServerOnAllAddressesIsRefusedWhileNoApiKeyExists() {
        ServerOptions options = ServerOptions.builder()
                .database(HistoryDatabase.sqlite(home.resolve("sluice.db")))
                .host("0.0.0.0")            // refused unless API keys exist
                .port(0)
                .build();
        assertThatThrownBy(() -> SluiceServer.start(options).close()).hasMessageContaining("API key");
    }
}
