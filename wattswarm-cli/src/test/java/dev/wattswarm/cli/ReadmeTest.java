package dev.wattswarm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README is executable documentation: every shell block runs as written, in order, in a
 * temporary directory where {@code ./wattswarm} is this build and {@code docs/} is the project's,
 * with every listener on loopback. A README change that breaks a block fails the build. The
 * markers it reads are described in docs/readme-test.md.
 */
@org.junit.jupiter.api.Timeout(900)
class ReadmeTest {
  @TempDir Path tmp;

  static Path projectRoot() {
    Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("README.md"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("no README.md above " + System.getProperty("user.dir"));
    return p;
  }

  @Test
  void everyShellBlockRunsAsWritten() throws Exception {
    Path root = projectRoot();
    ReadmeBlocks readme = ReadmeBlocks.parse(Files.readString(root.resolve("README.md")));
    Path work = tmp.resolve("readme");
    Files.createDirectories(work);
    copyTree(root.resolve("docs"), work.resolve("docs"));
    shim(work.resolve("wattswarm"));
    int ran = 0;
    try {
      for (ReadmeBlocks.Block b : readme.blocks()) {
        if (b.skip() != null) continue;
        if (b.file() != null) {
          Path f = work.resolve(b.file());
          Files.createDirectories(f.getParent());
          Files.writeString(f, String.join("\n", b.lines()) + "\n");
          continue;
        }
        if (!b.shell()) continue;
        run(work, b);
        ran++;
      }
    } finally {
      stopBackground(work);
    }
    assertThat(ran).as("shell blocks run").isGreaterThanOrEqualTo(6);
  }

  /** Blocks that are neither run nor written to a file must say why (so nothing is silently untested). */
  @Test
  void everyBlockIsRunWrittenOrSkippedWithAReason() throws IOException {
    ReadmeBlocks readme = ReadmeBlocks.parse(Files.readString(projectRoot().resolve("README.md")));
    for (ReadmeBlocks.Block b : readme.blocks()) {
      assertThat(b.shell() || b.file() != null || b.skip() != null)
          .as("README block at line %d (```%s) is neither run, written to a file, nor skipped with a reason", b.firstLine(), b.lang())
          .isTrue();
    }
  }

  /** State dirs the README creates hold keys: git must ignore them. */
  @Test
  void stateDirsOfTheExamplesAreGitIgnored() throws IOException {
    Path root = projectRoot();
    String readme = Files.readString(root.resolve("README.md"));
    List<String> ignored = Files.readAllLines(root.resolve(".gitignore"));
    Matcher m = Pattern.compile("--state-dir \\./([A-Za-z0-9_-]+)").matcher(readme);
    while (m.find()) {
      assertThat(ignored).as(".gitignore covers ./%s", m.group(1)).contains("/" + m.group(1) + "/");
    }
  }

  private static void run(Path work, ReadmeBlocks.Block b) throws Exception {
    Path script = work.resolve(".readme-block-" + b.firstLine() + ".sh");
    Files.writeString(script, ReadmeScript.of(b, work));
    Path log = work.resolve(".readme-block-" + b.firstLine() + ".out");
    ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    ReadmeScript.environment(pb.environment());
    Process p = pb.start();
    boolean ended = p.waitFor(300, TimeUnit.SECONDS);
    if (!ended) p.destroyForcibly();
    String out = Files.readString(log);
    assertThat(ended).as("README block at line %d did not finish in 300 s:%n%s", b.firstLine(), out).isTrue();
    assertThat(p.exitValue()).as("README block at line %d failed:%n%s", b.firstLine(), out).isZero();
    assertThat(out).as("README block at line %d printed a stack trace:%n%s", b.firstLine(), out)
        .doesNotContainPattern("(?m)^\\s+at [a-zA-Z_$][\\w$.]*\\(").doesNotContain("Exception in thread");
  }

  /** A launcher that runs this build's classes, as ./wattswarm runs the packaged jar. */
  private static void shim(Path file) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.writeString(file, "#!/bin/sh\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1"
        + " -XX:+UseSerialGC -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** Whatever the blocks left running in the background (a block that failed midway) is stopped. */
  private static void stopBackground(Path work) throws IOException {
    Path pids = work.resolve(".readme-bg-pids");
    if (!Files.exists(pids)) return;
    List<ProcessHandle> all = new ArrayList<>();
    for (String line : Files.readAllLines(pids)) {
      if (line.isBlank()) continue;
      ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(h -> {
        h.descendants().forEach(all::add);
        all.add(h);
      });
    }
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
  }
}
