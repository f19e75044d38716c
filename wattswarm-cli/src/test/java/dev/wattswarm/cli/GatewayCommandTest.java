package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wattswarm.server.gateway.GatewayKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gateway key create|list|revoke}: the key printed once on the last line, kept only hashed, revocable. */
class GatewayCommandTest {
  @TempDir Path tmp;

  Cli run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--state-dir";
    all[1] = tmp.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return Cli.run(all);
  }

  @Test
  void createListRevoke() throws Exception {
    Cli made = run("gateway", "key", "create", "ci");
    assertThat(made.exit()).as(made.err()).isZero();
    String key = made.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(key).startsWith(GatewayKeys.PREFIX);
    Path file = tmp.resolve(GatewayKeys.FILE);
    assertThat(Files.readString(file)).doesNotContain(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(new GatewayKeys(tmp).verify(key).map(GatewayKeys.Entry::name)).contains("ci");

    Cli list = run("gateway", "key", "list", "--json");
    assertThat(list.out()).contains("\"ci\"").doesNotContain(key);

    Cli dup = run("gateway", "key", "create", "ci");
    assertThat(dup.exit()).isEqualTo(1);
    assertThat(dup.err().strip()).contains("exists").doesNotContain("\n");
    Cli badName = run("gateway", "key", "create", "no spaces please");
    assertThat(badName.exit()).isEqualTo(1);
    assertThat(badName.err().strip()).contains("1-64 letters").doesNotContain("Exception");

    assertThat(run("gateway", "key", "revoke", "ci").exit()).isZero();
    assertThat(new GatewayKeys(tmp).verify(key)).isEmpty();
    Cli again = run("gateway", "key", "revoke", "ci");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("no gateway key named 'ci'");
  }
  @Test
  void scopesAndExpiryAreKeptAndListedAndBadOnesRefused() throws Exception {
    Cli made = run("gateway", "key", "create", "dash", "--scope", "read", "--scope", "missions:write", "--expires-in", "12h");
    assertThat(made.exit()).as(made.err()).isZero();
    String key = made.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    var entry = new GatewayKeys(tmp).verify(key).orElseThrow();
    assertThat(entry.scopes()).containsExactlyInAnyOrder(dev.wattswarm.server.gateway.Scope.READ, dev.wattswarm.server.gateway.Scope.MISSIONS_WRITE);
    assertThat(entry.expiresAtMs() - entry.createdAtMs()).isEqualTo(12 * 3_600_000L);
    Cli list = run("gateway", "key", "list", "--json");
    var json = dev.wattswarm.kernel.json.CanonicalJson.parse(list.out()).path("keys").get(0);
    assertThat(json.path("scopes").toString()).contains("read").contains("missions:write").doesNotContain("tasks:write");
    assertThat(json.path("expires_at_ms").asLong()).isEqualTo(entry.expiresAtMs());
    assertThat(run("gateway", "key", "list").out()).contains("scopes missions:write, read").contains("expires ");
    assertThat(run("gateway", "key", "create", "all").exit()).isZero();
    assertThat(run("gateway", "key", "list").out()).contains("scopes tasks:write, missions:write, read");

    for (String[] bad : new String[][] {{"--scope", "admin"}, {"--expires-in", "soon"}, {"--expires-in", "0h"}, {"--expires-in", "-5m"},
        {"--expires-in", "12"}}) {
      String[] args = new String[] {"gateway", "key", "create", "bad", bad[0], bad[1]};
      Cli r = run(args);
      assertThat(r.exit()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(r.err().strip()).as(String.join(" ", bad)).doesNotContain("\n").doesNotContain("Exception").isNotEmpty();
    }
    assertThat(new GatewayKeys(tmp).list()).extracting(GatewayKeys.Entry::name).containsExactly("dash", "all");
  }
  @Test
  void aDamagedKeyFileIsOneLineThatSaysWhatToDo() throws Exception {
    assertThat(run("gateway", "key", "create", "ci").exit()).isZero();
    Path file = tmp.resolve(GatewayKeys.FILE);
    Files.writeString(file, Files.readString(file).replace("\"created_at_ms\"", "\"scopes\":[\"root\"],\"created_at_ms\""));
    for (String[] args : new String[][] {{"gateway", "key", "list"}, {"gateway", "key", "create", "more"}, {"gateway", "key", "revoke", "ci"}}) {
      Cli r = run(args);
      assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(r.err().strip()).as(String.join(" ", args)).contains("is damaged").contains("unknown scope 'root'")
          .doesNotContain("\n").doesNotContain("Exception");
    }
  }
}
