package dev.wattswarm.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium, driven by Selenium through Debian's chromedriver
 * (both paths given, so Selenium Manager never looks for, or downloads, anything): logging in
 * through the link {@code wattswarm console} prints, a task followed live while it runs, the
 * live events page, and refused codes and tokens.
 */
@org.junit.jupiter.api.Timeout(180)
class ConsoleBrowserTest {
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  ChromeDriverService service;

  @TempDir Path tmp;
  ConsoleNode n;
  GatedExecutor gated;
  ChromeDriver driver;
  WebDriverWait await;

  @BeforeAll
  static void browserInstalled() {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver (.ci/run does)");
    }
  }

  @BeforeEach
  void start() throws Exception {
    gated = new GatedExecutor();
    n = new ConsoleNode(tmp.resolve("n"), Clock.systemUTC(), List.of(gated),
        List.of("lead:coordinator:coordination", "sec:specialist:security"));
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium")));
    // a service per test: quitting a ChromeDriver stops the service it ran on
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    await = waiting();
  }

  @AfterEach
  void stop() {
    gated.open();
    if (driver != null) driver.quit();
    if (n != null) n.close();
  }

  String body() {
    return driver.findElement(By.tagName("body")).getText();
  }

  /**
   * A wait that polls through re-renders: the views replace their DOM on every live event, so an
   * element found by one poll may be gone when it is read (on a loaded machine, often); that poll
   * is a "not yet", not a failure.
   */
  WebDriverWait waiting() {
    WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(60));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  void awaitText(String text) {
    // a wait of its own: withMessage on the shared one would name this text in every later timeout
    waiting().withMessage(() -> "the page never showed '" + text + "'; it shows:\n" + body())
        .until(d -> d.findElement(By.tagName("body")).getText().contains(text));
  }

  /** Marks the document so a later check proves the page changed live, without a reload. */
  void mark() {
    ((JavascriptExecutor) driver).executeScript("window.__notReloaded = true;");
  }

  boolean stillMarked() {
    return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript("return window.__notReloaded === true;"));
  }

  void loginThroughALink() throws Exception {
    driver.get(n.url(n.loginPath()));
    awaitText(n.host.node().nodeId().toString());
  }

  @Test
  void theConsoleLinkLogsInOnceWithAnHttpOnlyStrictCookie() throws Exception {
    String path = n.loginPath();
    driver.get(n.url(path));
    awaitText(n.host.node().nodeId().toString());
    assertThat(driver.getCurrentUrl()).endsWith("/supervision/").doesNotContain("code=");
    Cookie c = driver.manage().getCookieNamed(n.cookieName());
    assertThat(c).isNotNull();
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    assertThat(driver.getPageSource()).doesNotContain(n.token);
    assertThat(((JavascriptExecutor) driver).executeScript("return document.cookie;")).isEqualTo("");
    awaitText("live");

    // log out from the page: the login form comes back and the API is closed to this browser
    driver.findElement(By.id("logout")).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[0]; fetch('/v1/node').then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(401L);

    // the same link a second time, in a browser with no session: refused, no way in
    driver.manage().deleteAllCookies();
    driver.get(n.url(path));
    awaitText("invalid, expired or already used");
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    assertThat(driver.manage().getCookieNamed(n.cookieName())).isNull();
  }

  @Test
  void theTaskViewFollowsATaskWhileItRuns() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/tasks"));
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    WebElement json = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("textarea[aria-label='task JSON']")));
    json.clear();
    json.sendKeys("{\"task_id\":\"live-1\",\"task_type\":\"swarm\",\"capability\":\"gated\",\"inputs\":{\"prompt\":\"watch me\"}}");
    driver.findElement(By.xpath("//button[text()='Submit task']")).click();
    await.until(ExpectedConditions.urlContains("#/tasks/live-1"));
    // held by the gate: claimed by our executor, no output yet
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("claimed")));
    awaitText("/gated");
    awaitText("no output yet");
    awaitText("task.claimed");
    assertThat(body()).doesNotContain("task.finalized");
    mark();

    gated.open();
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("finalized")));
    awaitText("done: watch me");
    awaitText("task.finalized");
    assertThat(stillMarked()).as("updated live, not reloaded").isTrue();
    assertThat(driver.findElements(By.xpath("//button[text()='Cancel task']"))).isEmpty();
  }

  @Test
  void theEventsPageShowsTheLogAndNewEventsAsTheyCome() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/events"));
    awaitText("node.started");
    mark();
    // held by the gate, the task is created and claimed and goes no further
    var r = n.call("POST", "/v1/tasks", "{\"task_id\":\"ev-1\",\"task_type\":\"swarm\",\"capability\":\"gated\",\"inputs\":{\"prompt\":\"x\"}}",
        "Authorization", "Bearer " + n.token);
    assertThat(r.statusCode()).isEqualTo(201);
    awaitText("ev-1");
    awaitText("task.claimed");
    assertThat(body()).contains("task.created");
    assertThat(stillMarked()).isTrue();
    // an operator action from the page: cancel the running task from its view
    click(By.linkText("ev-1"));
    click(By.xpath("//button[text()='Cancel task']"));
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("cancelled")));
  }

  @Test
  void badCodesAndWrongTokensAreRefusedAndTheRightTokenLogsIn() throws Exception {
    driver.get(n.url("/supervision/login?code=" + "A".repeat(43)));
    awaitText("invalid, expired or already used");
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    // the page's own call to the API is refused without a session
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[0]; fetch('/v1/node').then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(401L);

    driver.get(n.url("/supervision"));
    WebElement token = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys("not-the-token");
    token.submit();
    awaitText("Wrong control token");
    assertThat(driver.manage().getCookieNamed(n.cookieName())).isNull();

    token = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys(n.token);
    token.submit();
    awaitText(n.host.node().nodeId().toString());
    assertThat(driver.getPageSource()).doesNotContain(n.token);
  }

  @Test
  void aWorkflowStartedFromThePageRunsToItsSynthesisAndTheAgentsShowTheirDecisions() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/agents"));
    awaitText("coordination");
    awaitText("security");
    driver.get(n.url("/supervision/#/workflows"));
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    WebElement goal = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("textarea[aria-label='goal JSON']")));
    goal.clear();
    goal.sendKeys("{\"code\":\"x = eval(y)\"}");
    driver.findElement(By.cssSelector("input[placeholder^='capabilities']")).sendKeys("security");
    driver.findElement(By.xpath("//button[text()='Start workflow']")).click();
    await.until(ExpectedConditions.urlContains("#/workflows/wf-"));
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("finished")));
    awaitText("eval on untrusted input");
    driver.findElement(By.linkText("Agents")).click();
    awaitText("step_done");
    click(By.linkText("sec"));
    // (headings are upper-cased by CSS, so read the DOM text rather than the rendered text)
    await.until(d -> d.findElements(By.cssSelector("h3 span")).stream()
        .anyMatch(e -> "Decisions of sec".equals(e.getDomProperty("textContent").strip())));
    awaitText("step_done");
  }
  /** The balance the console shows for {@code account} in the balances view. */
  String shownBalance(String account) {
    var cells = driver.findElements(By.cssSelector("span[data-account='" + account + "']"));
    return cells.isEmpty() ? "" : cells.get(0).getText();
  }

  long apiBalance(String account) throws Exception {
    var r = n.call("GET", "/v1/watt/balance/" + account, null, "Authorization", "Bearer " + n.token);
    return ConsoleNode.json(r).path("balance").asLong();
  }

  @Test
  void aMissionPostedFromThePageSettlesAndTheBalancesMoveLive() throws Exception {
    String me = n.host.node().nodeId().toString();
    loginThroughALink();
    driver.get(n.url("/supervision/#/balances"));
    await.until(d -> shownBalance(me).equals("1000000"));
    awaitText("conserved");
    mark();

    driver.findElement(By.linkText("Missions")).click();
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[aria-label='mission prompt']"))).sendKeys("pay the gate");
    driver.findElement(By.cssSelector("input[aria-label='mission reward']")).sendKeys("250");
    driver.findElement(By.cssSelector("input[aria-label='mission id']")).sendKeys("ui-m1");
    driver.findElement(By.cssSelector("input[aria-label='mission capability']")).sendKeys(GatedExecutor.CAPABILITY);
    driver.findElement(By.xpath("//button[text()='Post mission']")).click();
    await.until(ExpectedConditions.urlContains("#/missions/ui-m1"));
    // held by the gate: escrowed and claimed, not yet paid
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("claimed")));
    awaitText("250");
    long escrowed = apiBalance(me);
    assertThat(escrowed).isEqualTo(1_000_000 - 250);
    driver.findElement(By.linkText("Balances")).click();
    await.until(d -> shownBalance(me).equals(String.valueOf(escrowed)));

    // the executor finishes: the mission settles and this node (the winner) is paid back less the fee,
    // on the page that is open, without a reload
    gated.open();
    await.until(d -> !shownBalance(me).equals(String.valueOf(escrowed)));
    await().atMost(Duration.ofSeconds(60)).until(() -> ConsoleNode.json(n.call("GET", "/v1/missions/ui-m1", null,
        "Authorization", "Bearer " + n.token)).path("state").asText().equals("settled"));
    JsonNode m = ConsoleNode.json(n.call("GET", "/v1/missions/ui-m1", null, "Authorization", "Bearer " + n.token));
    long fee = m.path("fee").asLong();
    assertThat(fee).isPositive();
    long settled = 1_000_000 - fee;
    await.until(d -> shownBalance(me).equals(String.valueOf(settled)));
    await.until(d -> shownBalance("treasury").equals(String.valueOf(fee)));
    awaitText("escrowed");
    assertThat(stillMarked()).as("updated live, not reloaded").isTrue();

    driver.findElement(By.linkText("Missions")).click();
    await.until(d -> d.findElements(By.linkText("ui-m1")).size() == 1);
    click(By.linkText("ui-m1"));
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("settled")));
    awaitText("winner");
    assertThat(driver.findElements(By.xpath("//button[text()='Cancel mission']"))).isEmpty();

    // a reward beyond the balance is refused with the node's reason, on the page
    driver.findElement(By.linkText("← all missions")).click();
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[aria-label='mission prompt']"))).sendKeys("too dear");
    driver.findElement(By.cssSelector("input[aria-label='mission reward']")).sendKeys("5000000");
    driver.findElement(By.xpath("//button[text()='Post mission']")).click();
    awaitText("insufficient funds");
    assertThat(apiBalance(me)).isEqualTo(settled);
  }

  @Test
  void hivesSayTheyAreNotHereWhenTheNodeHasNone() throws Exception {
    loginThroughALink();
    var r = n.call("GET", "/v1/hives", null, "Authorization", "Bearer " + n.token);
    driver.get(n.url("/supervision/#/hives"));
    if (r.statusCode() == 404) {
      awaitText("hives: not available on this node");
    } else {
      assertThat(r.statusCode()).isEqualTo(200);
      awaitText("Hives");
      assertThat(body()).doesNotContain("not available");
    }
  }
  @Test
  void aHiveCreatedFromThePageShowsItsMemberAndMessagesLive() throws Exception {
    String me = n.host.node().nodeId().toString();
    loginThroughALink();
    driver.get(n.url("/supervision/#/hives"));
    awaitText("no hives yet");
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[aria-label='hive id']"))).sendKeys("crew");
    driver.findElement(By.cssSelector("input[aria-label='hive topic']")).sendKeys("night shift");
    driver.findElement(By.xpath("//button[text()='Create hive']")).click();
    await.until(ExpectedConditions.urlContains("#/hives/crew"));
    awaitText("night shift");
    await.until(d -> !d.findElements(By.cssSelector("span[data-member='" + me + "']")).isEmpty());
    awaitText("no messages yet");
    mark();

    // a message from the page, then one posted through the API: both appear without a reload
    driver.findElement(By.cssSelector("input[aria-label='hive message']")).sendKeys("posted from the page");
    driver.findElement(By.xpath("//button[text()='Post']")).click();
    awaitText("posted from the page");
    var r = n.call("POST", "/v1/hives/crew/messages", "{\"text\":\"posted through the api\"}", "Authorization", "Bearer " + n.token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    awaitText("posted through the api");
    assertThat(stillMarked()).as("updated live, not reloaded").isTrue();

    // leave from the page: the node agrees, and a post is then refused with the node's reason
    click(By.xpath("//button[@data-action='leave']"));
    await.until(d -> !d.findElements(By.xpath("//button[@data-action='join']")).isEmpty());
    assertThat(n.host.economy().hives().isMember("crew")).isFalse();
    driver.findElement(By.cssSelector("input[aria-label='hive message']")).sendKeys("after leaving");
    driver.findElement(By.xpath("//button[text()='Post']")).click();
    await.until(d -> d.findElements(By.cssSelector("p.msg.error")).stream().anyMatch(e -> e.getText().contains("not a member of hive crew")));
    click(By.xpath("//button[@data-action='join']"));
    await.until(d -> !d.findElements(By.xpath("//button[@data-action='leave']")).isEmpty());
    assertThat(n.host.economy().hives().isMember("crew")).isTrue();

    driver.findElement(By.linkText("← all hives")).click();
    await.until(d -> !d.findElements(By.linkText("crew")).isEmpty());
    awaitText("member");
  }

  /** A node on the loopback network (a real TLS listener), with its console; {@code contact} is the node it dials first. */
  dev.wattswarm.server.NodeHost networked(String name, String ip, String mode, dev.wattswarm.node.network.Contact contact) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    var sd = new dev.wattswarm.node.state.StateDir(dir);
    if (contact != null) new dev.wattswarm.node.network.StartupConfig(java.util.Optional.empty(), List.of()).withContact(contact).write(sd);
    var cfg = dev.wattswarm.node.config.NodeConfig.fromEnv(dir, java.util.Map.of("WATTSWARM_NODE_MODE", mode,
        "WATTSWARM_P2P_LISTEN_ADDRS", ip + ":0")).withControlPort(0);
    var h = dev.wattswarm.server.NodeHost.start(cfg, sd, Clock.systemUTC(), new java.security.SecureRandom(),
        dev.wattswarm.server.NodeHost.Options.defaults().withExecutors(List.of()));
    others.add(h);
    return h;
  }

  final List<dev.wattswarm.server.NodeHost> others = new java.util.ArrayList<>();

  @AfterEach
  void stopOthers() {
    others.forEach(dev.wattswarm.server.NodeHost::close);
  }

  dev.wattswarm.kernel.social.RelationshipState relationship(dev.wattswarm.server.NodeHost h, dev.wattswarm.server.NodeHost peer) {
    var v = h.social().relationships().view(peer.node().nodeId());
    return v == null ? null : v.state();
  }

  By actionFor(String peer, String action) {
    return By.xpath("//tr[@data-key='" + peer + "']//button[@data-action='" + action + "']");
  }

  /** Clicks what {@code by} finds, finding it again when a live re-render replaced it in between (a stale element takes no click). */
  void click(By by) {
    await.until(d -> {
      d.findElement(by).click();
      return true;
    });
  }

  @Test
  void aRelationshipIsAcceptedAndADmSentAndReceivedFromThePage() throws Exception {
    var a = networked("a", "127.0.0.81", "network", null);
    var b = networked("b", "127.0.0.82", "wan", new dev.wattswarm.node.network.Contact(a.node().nodeId(), a.network().advertisedAddress()));
    String aId = a.node().nodeId().toString();
    String bId = b.node().nodeId().toString();
    String aToken = new dev.wattswarm.node.state.StateDir(tmp.resolve("a")).readToken();
    var mint = n.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(a.controlUrl() + "/v1/console/login"))
        .header("Authorization", "Bearer " + aToken).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(mint.statusCode()).as(mint.body()).isEqualTo(201);
    driver.get(a.controlUrl() + ConsoleNode.json(mint).path("path").asText());
    awaitText(aId.substring(0, 16));
    driver.get(a.controlUrl() + "/supervision/#/relationships");
    awaitText("no relationships yet");
    mark();

    // b asks; a's page shows the request as it arrives, with b's note, and a accepts it there
    b.social().relationships().act(a.node().nodeId(), "request", "hello from b");
    await.until(d -> !d.findElements(By.xpath("//tr[@data-key='" + bId + "']//button[@data-action='accept']")).isEmpty());
    awaitText("hello from b");
    awaitText("pending_in");
    click(actionFor(bId, "accept"));
    await().atMost(Duration.ofSeconds(60)).until(() -> relationship(b, a) == dev.wattswarm.kernel.social.RelationshipState.ACCEPTED);
    assertThat(relationship(a, b)).isEqualTo(dev.wattswarm.kernel.social.RelationshipState.ACCEPTED);
    await.until(d -> !d.findElements(By.xpath("//tr[@data-key='" + bId + "']//a[text()='DMs']")).isEmpty());

    // a writes to b from the page; b decrypts it; b's answer appears in a's open thread
    click(By.xpath("//tr[@data-key='" + bId + "']//a[text()='DMs']"));
    awaitText("no messages yet");
    String secret = "console says hi " + new java.security.SecureRandom().nextInt(1_000_000);
    driver.findElement(By.cssSelector("input[aria-label='message text']")).sendKeys(secret);
    driver.findElement(By.xpath("//button[text()='Send']")).click();
    awaitText(secret);
    await().atMost(Duration.ofSeconds(60)).until(() -> b.social().dms().list(a.node().nodeId(), 100).stream()
        .anyMatch(m -> m.text().equals(secret)));
    b.social().dms().send(a.node().nodeId(), "b answers: " + secret);
    awaitText("b answers: " + secret);
    assertThat(stillMarked()).as("updated live, not reloaded").isTrue();
    assertThat(driver.getPageSource()).doesNotContain(aToken);

    // block from the page: a's state says blocked, and b's DMs no longer go through
    driver.findElement(By.linkText("Relationships")).click();
    await.until(d -> !d.findElements(By.xpath("//tr[@data-key='" + bId + "']//button[@data-action='block']")).isEmpty());
    click(actionFor(bId, "block"));
    await.until(d -> !d.findElements(By.xpath("//tr[@data-key='" + bId + "']//button[@data-action='unblock']")).isEmpty());
    assertThat(relationship(a, b)).isEqualTo(dev.wattswarm.kernel.social.RelationshipState.BLOCKED);
    // a DM to a peer that is no longer accepted is refused with the node's reason, on the page
    driver.get(a.controlUrl() + "/supervision/#/dms/" + bId);
    await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("input[aria-label='message text']"))).sendKeys("after the block");
    driver.findElement(By.xpath("//button[text()='Send']")).click();
    await.until(d -> !d.findElements(By.cssSelector("p.msg.error")).isEmpty()
        && !d.findElement(By.cssSelector("p.msg.error")).getText().isBlank());
  }
}
