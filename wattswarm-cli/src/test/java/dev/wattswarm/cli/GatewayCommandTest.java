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
    assertThat(new GatewayKeys(tmp).verify(key)).contains("ci");

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
}
