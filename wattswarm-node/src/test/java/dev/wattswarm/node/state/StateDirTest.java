package dev.wattswarm.node.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirTest {
  @TempDir Path tmp;

  @Test
  void aSecondLockOnTheSameDirIsRefusedUntilTheFirstIsReleased() {
    StateDir dir = new StateDir(tmp.resolve("n")).ensureWritable();
    NodeLock first = dir.lock();
    assertThatThrownBy(dir::lock).isInstanceOf(StateDirException.class).hasMessageContaining("already running");
    first.close();
    dir.lock().close();
  }

  @Test
  void theControlTokenIsSecretAndStable() throws Exception {
    StateDir dir = new StateDir(tmp.resolve("n")).ensureWritable();
    String t = dir.controlToken(new SecureRandom());
    assertThat(t).hasSizeGreaterThanOrEqualTo(40);
    assertThat(dir.controlToken(new SecureRandom())).isEqualTo(t);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.file(StateDir.TOKEN)))).isEqualTo("rw-------");
  }

  @Test
  void aStateDirThatCannotBeCreatedSaysSo() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    // a directory below a regular file cannot exist, even for root
    assertThatThrownBy(() -> new StateDir(file.resolve("sub")).ensureWritable())
        .isInstanceOf(StateDirException.class)
        .hasMessageContaining("not writable")
        .hasMessageContaining("--state-dir");
    assertThatThrownBy(() -> new StateDir(file).ensureWritable())
        .isInstanceOf(StateDirException.class)
        .hasMessageContaining("not a directory");
  }

  @Test
  void runtimeInfoRoundTripsAndStaleFilesAreRecognised() {
    StateDir dir = new StateDir(tmp.resolve("n")).ensureWritable();
    var info = new RuntimeInfo(ProcessHandle.current().pid(), "z6Mk", "local:z6Mk", "local", "http://127.0.0.1:1", "", "v", 5, "sqlite");
    dir.writeRuntime(info);
    assertThat(dir.runtime()).contains(info);
    assertThat(info.processAlive()).isTrue();
    assertThat(new RuntimeInfo(Long.MAX_VALUE - 1, "", "", "", "", "", "", 0, "").processAlive()).isFalse();
    dir.deleteRuntime();
    assertThat(dir.runtime()).isEmpty();
  }
}
