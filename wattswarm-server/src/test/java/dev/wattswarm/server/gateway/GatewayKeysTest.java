package dev.wattswarm.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys on disk: hashed, 0600, seen by a running node as soon as another process edits the file. */
class GatewayKeysTest {
  @TempDir Path dir;

  @Test
  void aKeyIsStoredHashedInAPrivateFileAndVerifiesByName() throws Exception {
    GatewayKeys keys = new GatewayKeys(dir);
    String k = keys.create("ci", new SecureRandom(), Clock.systemUTC());
    assertThat(k).startsWith(GatewayKeys.PREFIX);
    Path f = dir.resolve(GatewayKeys.FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    String stored = Files.readString(f);
    assertThat(stored).doesNotContain(k).doesNotContain(k.substring(GatewayKeys.PREFIX.length())).contains(GatewayKeys.hash(k));
    assertThat(keys.verify(k).map(GatewayKeys.Entry::name)).contains("ci");
    assertThat(keys.verify(k + "x")).isEmpty();
    assertThat(keys.verify("")).isEmpty();
    assertThat(keys.verify(null)).isEmpty();
    assertThat(keys.verify(GatewayKeys.PREFIX + "x".repeat(500))).isEmpty();
  }

  @Test
  void anotherProcessRevokingOrAddingIsSeenAtTheNextCheck() {
    GatewayKeys node = new GatewayKeys(dir);
    GatewayKeys cli = new GatewayKeys(dir);
    String a = cli.create("a", new SecureRandom(), Clock.systemUTC());
    assertThat(node.verify(a).map(GatewayKeys.Entry::name)).contains("a");
    String b = cli.create("b", new SecureRandom(), Clock.systemUTC());
    assertThat(node.verify(b).map(GatewayKeys.Entry::name)).contains("b");
    assertThat(cli.revoke("a")).isTrue();
    assertThat(node.verify(a)).isEmpty();
    assertThat(node.verify(b).map(GatewayKeys.Entry::name)).contains("b");
    assertThat(cli.revoke("a")).isFalse();
  }

  @Test
  void aCorruptFileLetsNobodyIn() throws Exception {
    GatewayKeys keys = new GatewayKeys(dir);
    String k = keys.create("a", new SecureRandom(), Clock.systemUTC());
    assertThat(keys.verify(k)).isPresent();
    Files.writeString(dir.resolve(GatewayKeys.FILE), "{not json");
    assertThat(keys.verify(k)).isEmpty();
  }

  @Test
  void badAndDuplicateNamesAreRefusedWithAReason() {
    GatewayKeys keys = new GatewayKeys(dir);
    keys.create("a", new SecureRandom(), Clock.systemUTC());
    assertThatThrownBy(() -> keys.create("a", new SecureRandom(), Clock.systemUTC())).hasMessageContaining("exists");
    assertThatThrownBy(() -> keys.create("has space", new SecureRandom(), Clock.systemUTC())).hasMessageContaining("1-64 letters");
    assertThatThrownBy(() -> keys.create("x".repeat(65), new SecureRandom(), Clock.systemUTC())).hasMessageContaining("1-64 letters");
    assertThat(keys.list()).extracting(GatewayKeys.Entry::name).containsExactly("a");
  }
}
