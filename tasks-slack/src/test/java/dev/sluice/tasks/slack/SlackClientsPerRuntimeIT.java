package dev.sluice.tasks.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.sluice.tasks.slack.SlackApiStubs.POSTED;
import static dev.sluice.tasks.slack.SlackApiStubs.slackJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.slack.api.Slack;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.block.Blocks;
import dev.sluice.cache.ResultStore;
import dev.sluice.tasks.slack.internal.SlackClients;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack SDK clients belong to a {@link SluiceRuntime}: two runtimes side by side each use and close their own. */
class SlackClientsPerRuntimeIT {
    private static final String PATH = "/api/chat.postMessage";

    private WireMockServer slackA;
    private WireMockServer slackB;
    private SluiceRuntime runtimeA;
    private SluiceRuntime runtimeB;

    @BeforeEach
    void start() {
        slackA = SlackApiStubs.start();
        slackB = SlackApiStubs.start();
        slackA.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        slackB.stubFor(post(PATH).willReturn(slackJson(200, POSTED)));
        runtimeA = runtime();
        runtimeB = runtime();
        // the same block name in each runtime's own store, pointing at that runtime's Slack
        runtimeA.run(() -> Blocks.save("bot", SlackApiStubs.credentials(slackA)));
        runtimeB.run(() -> Blocks.save("bot", SlackApiStubs.credentials(slackB)));
    }

    @AfterEach
    void stop() {
        runtimeA.close();
        runtimeB.close();
        slackA.stop();
        slackB.stop();
    }

    private static SluiceRuntime runtime() {
        return SluiceRuntime.builder().blockStore(BlockStore.inMemory()).resultStore(ResultStore.inMemory()).build();
    }

    @Test
    void eachRuntimeHasItsOwnSdkInstancePerApiUrl() {
        String api = slackA.baseUrl() + "/api/";

        Slack a1 = runtimeA.call(() -> SlackClients.slack(api));
        Slack a2 = runtimeA.call(() -> SlackClients.slack(api));
        Slack b = runtimeB.call(() -> SlackClients.slack(api));

        assertThat(a1).isSameAs(a2);
        assertThat(b).isNotSameAs(a1);
        assertThat(runtimeA.call(() -> SlackClients.slack(null))).isNotSameAs(a1);
    }

    @Test
    void twoRuntimesPostConcurrentlyEachToItsOwnSlack() throws Exception {
        int perRuntime = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<PostedMessage>> futures = new ArrayList<>();
            for (int i = 0; i < perRuntime; i++) {
                futures.add(pool.submit(posting(runtimeA, "from A " + i, go)));
                futures.add(pool.submit(posting(runtimeB, "from B " + i, go)));
            }
            go.countDown();
            for (Future<PostedMessage> f : futures) {
                assertThat(f.get(60, TimeUnit.SECONDS).ts()).isEqualTo("1503435956.000247");
            }
        } finally {
            pool.shutdownNow();
        }

        for (int i = 0; i < perRuntime; i++) {
            slackA.verify(1, postRequestedFor(urlEqualTo(PATH)).withFormParam("text", equalTo("from A " + i)));
            slackB.verify(1, postRequestedFor(urlEqualTo(PATH)).withFormParam("text", equalTo("from B " + i)));
        }
        slackA.verify(perRuntime, postRequestedFor(urlEqualTo(PATH)));
        slackB.verify(perRuntime, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void closingARuntimeClosesItsClientsAndLeavesTheOthersWorking() {
        String api = slackA.baseUrl() + "/api/";
        Slack a = runtimeA.call(() -> SlackClients.slack(api));
        Slack b = runtimeB.call(() -> SlackClients.slack(api));

        runtimeA.close();

        assertThat(a.getHttpClient().getOkHttpClient().dispatcher().executorService().isShutdown()).isTrue();
        assertThat(b.getHttpClient().getOkHttpClient().dispatcher().executorService().isShutdown()).isFalse();
        assertThatThrownBy(() -> runtimeA.call(() -> SlackClients.slack(api))).isInstanceOf(IllegalStateException.class);
        PostedMessage posted = runtimeB.call(() -> SlackTasks.sendChatMessage()
                .run(Blocks.load(SlackCredentials.class, "bot"), SlackMessage.of("#ops", "still here")));
        assertThat(posted.channel()).isEqualTo("C123ABC456");
        slackB.verify(1, postRequestedFor(urlEqualTo(PATH)).withFormParam("text", equalTo("still here")));
    }

    private static Callable<PostedMessage> posting(SluiceRuntime runtime, String text, CountDownLatch go) {
        return () -> {
            go.await();
            return runtime.call(() -> SlackTasks.sendChatMessage()
                    .run(Blocks.load(SlackCredentials.class, "bot"), SlackMessage.of("#ops", text)));
        };
    }
}
