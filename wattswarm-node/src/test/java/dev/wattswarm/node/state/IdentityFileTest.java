package dev.wattswarm.node.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wattswarm.kernel.identity.KeyPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFileTest {
  @TempDir Path dir;

  @Test
  void createsAKeyWithMode0600AndAlwaysLoadsTheSameIdentity() throws Exception {
    Path f = dir.resolve("node.key");
    KeyPair first = IdentityFile.loadOrCreate(f, new SecureRandom());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(IdentityFile.loadOrCreate(f, new SecureRandom()).id()).isEqualTo(first.id());
    assertThat(IdentityFile.load(f).id()).isEqualTo(first.id());
  }

  @Test
  void aCorruptKeyIsAnErrorAndIsLeftUntouched() throws Exception {
    Path f = dir.resolve("node.key");
    IdentityFile.loadOrCreate(f, new SecureRandom());
    String good = Files.readString(f);
    String[] corruptions = {
      "garbage",
      "",
      good.replace("v1", "v9"),
      good.replaceFirst("\n[0-9a-f]{4}", "\nzzzz"),
      good.replaceFirst("\n([0-9a-f]{62})[0-9a-f]{2}\n", "\n$1\n"),
      flipSecretNibble(good),
    };
    for (String bad : corruptions) {
      Files.writeString(f, bad);
      assertThatThrownBy(() -> IdentityFile.loadOrCreate(f, new SecureRandom()))
          .as("corruption %s", bad)
          .isInstanceOf(StateDirException.class)
          .hasMessageContaining("corrupt")
          .hasMessageContaining("Restore node.key");
      assertThat(Files.readString(f)).isEqualTo(bad);
    }
  }

  @Test
  void anUnreadableKeyIsAnErrorNotANewIdentity() throws Exception {
    Path f = dir.resolve("node.key");
    Files.createDirectory(f); // reading a directory fails even for root
    assertThatThrownBy(() -> IdentityFile.loadOrCreate(f, new SecureRandom()))
        .isInstanceOf(StateDirException.class)
        .hasMessageContaining("node key");
  }

  private static String flipSecretNibble(String good) {
    String[] lines = good.split("\n");
    char c = lines[1].charAt(0);
    lines[1] = (c == '0' ? '1' : '0') + lines[1].substring(1);
    return String.join("\n", lines) + "\n";
  }
}
