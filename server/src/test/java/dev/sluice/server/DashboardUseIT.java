package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.History;
import dev.sluice.history.HistoryDatabase;
import dev.sluice.scheduler.Worker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a person uses it in a real headless Chromium (launched as {@link BrowserIT} does), each test
 * on its own SQLite history and server: what the pages show when names are very long, when the filters are
 * applied again, and when the server goes away and comes back while a page is open.
 */
class DashboardUseIT {
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path profile;

    @TempDir
    Path dir;

    @BeforeAll
    static void openBrowser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(BrowserIT.CHROMIUM) && Files.isExecutable(BrowserIT.CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run does it)");
        BrowserIT.SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        profile = Files.createTempDirectory("sluice-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserIT.CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-extensions", "--window-size=1366,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(BrowserIT.CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    static SluiceServer serve(HistoryDatabase db) {
        return SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false).blockStore(BlockStore.inMemory()).build());
    }

    static int overflow() {
        return ((Number) browser.executeScript("return document.documentElement.scrollWidth - window.innerWidth")).intValue();
    }

    @Test
    void veryLongNamesAndValuesWrapInsteadOfWideningThePage() {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("long.db"));
        String id;
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build()) {
            Flow<String, String> flow = Flow.named("long-" + "f".repeat(200)).withRunName("run-{arg0}").of((String s) -> {
                throw new IllegalStateException("broken:" + s);
            });
            id = runtime.runForState(flow, "v".repeat(400)).id();
            assertThat(history.flush(Duration.ofSeconds(10))).isTrue();
        }
        try (SluiceServer server = serve(db)) {
            for (String path : new String[] {"/runs", "/runs/" + id}) {
                browser.get(server.url().resolve(path).toString());
                wait.until(d -> "complete".equals(browser.executeScript("return document.readyState")));
                assertThat(overflow()).as("%s wider than the window by", path).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void applyingTheFiltersAgainKeepsTopLevelOnlyAndThePageSize() {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("filters.db"));
        try (SluiceServer server = serve(db)) {
            browser.get(server.url().resolve("/runs?top=1&limit=5").toString());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("no-runs")));
            browser.findElement(By.cssSelector("input[name=state][value=FAILED]")).click();
            browser.findElement(By.id("apply")).click();
            wait.until(ExpectedConditions.urlContains("state=FAILED"));
            assertThat(browser.getCurrentUrl()).contains("top=1").contains("limit=5");
        }
    }

    @Test
    void theRecentRunsOfADeploymentKeepRefreshingAcrossAServerRestart() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("restart.db"));
        try (Worker worker = Fixture.startWorker(db)) {
            String id = worker.client().trigger(Fixture.DEPLOYMENT, Map.of("day", "2026-11-30", "city", Fixture.WAITING_CITY));
            SluiceServer server = serve(db);
            int port = server.port();
            try {
                browser.get(server.url().resolve("/deployments/" + Fixture.DEPLOYMENT).toString());
                wait.until(d -> d.findElement(By.id("dr-" + id)).findElement(By.className("status")).getText().equals("RUNNING"));
            } finally {
                server.close();
            }
            Thread.sleep(1500); // a refresh or two fails
            server = SluiceServer.start(ServerOptions.builder().database(db).port(port).printUrl(false).blockStore(BlockStore.inMemory()).build());
            try {
                assertThat(worker.client().cancel(id)).isTrue();
                wait.until(d -> d.findElement(By.id("dr-" + id)).findElement(By.className("status")).getText().equals("CANCELLED"));
            } finally {
                server.close();
            }
        }
    }

    @Test
    void theRecentRunsOfADeploymentSayWhyTheyCannotRefreshWhenTheDatabaseFileIsGone() throws Exception {
        Path file = dir.resolve("gone.db");
        HistoryDatabase db = HistoryDatabase.sqlite(file);
        try (Worker worker = Fixture.startWorker(db); SluiceServer server = serve(db)) {
            String id = worker.client().trigger(Fixture.DEPLOYMENT, Map.of("day", "2026-11-30", "city", Fixture.WAITING_CITY));
            browser.get(server.url().resolve("/deployments/" + Fixture.DEPLOYMENT).toString());
            wait.until(d -> d.findElement(By.id("dr-" + id)).findElement(By.className("status")).getText().equals("RUNNING"));
            worker.client().cancel(id);
            Files.delete(file);
            // the part that refreshes itself says why it cannot, instead of vanishing, and goes on trying
            wait.until(d -> d.findElement(By.id("deployment-runs")).getText().contains("Database file gone"));
            assertThat(browser.findElement(By.id("deployment-runs")).getText()).contains("503 ·");
            assertThat(browser.findElement(By.id("deployment-runs")).getDomAttribute("hx-trigger")).isEqualTo("every 2s");
            assertThat(browser.findElement(By.id("deployment-name")).getText()).contains(Fixture.DEPLOYMENT);
        }
    }

    @Test
    void aRunThatLogsMoreThanTheFirstPageIsStillFollowedLiveAndItsPageUpdatesAtItsEnd() throws Exception {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("chatty.db"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<String> runId = new java.util.concurrent.CompletableFuture<>();
        Flow<Integer, Integer> chatty = Flow.named("chatty").of((Integer n) -> {
            runId.complete(dev.sluice.RunContext.flowRun().orElseThrow().id());
            for (int i = 1; i <= n; i++) {
                dev.sluice.RunContext.logger().info("line {}", i);
            }
            release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            dev.sluice.RunContext.logger().info("the last line");
            return n;
        });
        try (History history = History.open(db);
                SluiceRuntime runtime = SluiceRuntime.builder().home(dir).withoutExtensions().recorder(history.recorder()).build();
                SluiceServer server = SluiceServer.start(ServerOptions.builder().history(history, db).port(0).printUrl(false)
                        .blockStore(BlockStore.inMemory()).build())) {
            Thread runner = new Thread(() -> runtime.runForState(chatty, 150));
            runner.start();
            String id = runId.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(history.flush(Duration.ofSeconds(10))).isTrue();
            browser.get(server.url().resolve("/runs/" + id).toString());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-state")));
            assertThat(browser.findElements(By.id("live"))).as("the live badge of a run that goes on").hasSize(1);
            wait.until(d -> d.findElement(By.id("logs")).getText().contains("line 150"));
            assertThat(browser.findElement(By.id("logs")).getText().split("line 42\\b", -1)).as("line 42 shown once").hasSize(2);
            release.countDown();
            runner.join(20_000);
            // its end brings the page up to date: the ended run's first page of lines, and a link to the rest
            wait.until(d -> d.findElement(By.id("run-state")).getText().equals("COMPLETED"));
            assertThat(browser.findElements(By.id("live"))).isEmpty();
            assertThat(browser.findElements(By.linkText("More log lines →"))).hasSize(1);
        }
    }
}
