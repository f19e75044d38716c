package dev.wattswarm.testkit;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * The official npm clients the tests drive (test-clients/: the MCP and A2A SDKs, pinned by the
 * lockfile). {@code .ci/run} installs them first; a plain {@code mvn -B verify} from a fresh clone
 * installs them here, once, under a file lock shared by the test JVMs of every module.
 */
public final class NpmClients {
  private NpmClients() {}

  /** The test-clients directory at the repository root, seen from a module's working directory. */
  public static Path dir() {
    return Path.of("").toAbsolutePath().getParent().resolve("test-clients");
  }

  /**
   * Makes sure {@code node_modules/<pkg>} exists, running {@code npm ci} when it does not.
   *
   * @throws AssertionError saying what to do when npm is missing or the install fails
   */
  public static Path ensure(String pkg) {
    Path dir = dir();
    if (Files.isDirectory(dir.resolve("node_modules").resolve(pkg))) return dir;
    try (FileChannel ch = FileChannel.open(dir.resolve(".npm-ci.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      if (Files.isDirectory(dir.resolve("node_modules").resolve(pkg))) return dir;
      Path log = Files.createTempFile("npm-ci-", ".log");
      Process p = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("`npm ci` in " + dir + " did not finish in 10 minutes; run it by hand");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("`npm ci` in " + dir + " failed (exit " + p.exitValue() + "): " + Files.readString(log).strip());
      }
      return dir;
    } catch (IOException e) {
      throw new AssertionError("cannot install the npm test clients in " + dir + " (is npm installed? apt-get install npm): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted installing the npm test clients", e);
    }
  }
}
