package dev.wattswarm.node.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * One node's directory: identity, control token, config, database, runtime file, lock.
 * Every file name a user may look for is defined here.
 */
public final class StateDir {
  public static final String KEY = "node.key";
  public static final String TOKEN = "control.token";
  public static final String RUNTIME = "runtime.json";
  public static final String LOCK = "node.lock";
  public static final String STARTUP_CONFIG = "startup_config.json";

  private final Path root;

  public StateDir(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path file(String name) {
    return root.resolve(name);
  }

  /** Creates the directory (mode 0700 when new) and checks it is writable. */
  public StateDir ensureWritable() {
    try {
      if (!Files.isDirectory(root)) {
        if (Files.exists(root)) throw new StateDirException("state dir " + root + " exists but is not a directory. Pass another --state-dir.");
        Files.createDirectories(root);
        try {
          Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException ignored) {
          // non-POSIX file system: nothing stronger to do
        }
      }
      Path probe = Files.createTempFile(root, ".probe", "");
      Files.delete(probe);
    } catch (StateDirException e) {
      throw e;
    } catch (IOException e) {
      throw new StateDirException("state dir " + root + " is not writable (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "). Fix its permissions or pass another --state-dir.", e);
    }
    return this;
  }

  /**
   * Takes the exclusive node lock, held until the returned lock is closed or the process dies.
   *
   * @throws StateDirException when another process holds it
   */
  public NodeLock lock() {
    Path p = file(LOCK);
    try {
      FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        ch.close();
        String who = readRuntimePid().map(pid -> " (pid " + pid + ")").orElse("");
        throw new StateDirException("another node is already running on state dir " + root + who
            + ". Stop it with `wattswarm --state-dir " + root + " node down`, or use another --state-dir.");
      }
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      return new NodeLock(ch, l);
    } catch (IOException e) {
      throw new StateDirException("cannot lock state dir " + root + ": " + e.getMessage(), e);
    }
  }

  private Optional<Long> readRuntimePid() {
    return RuntimeInfo.read(file(RUNTIME)).map(RuntimeInfo::pid);
  }

  /** The control-plane bearer token, created (mode 0600, 256 random bits) on first use. */
  public String controlToken(SecureRandom random) {
    Path p = file(TOKEN);
    try {
      if (!Files.exists(p)) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        try {
          SecureFiles.createSecret(p, (token + "\n").getBytes(StandardCharsets.US_ASCII));
          return token;
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // fall through to read
        }
      }
      return readToken();
    } catch (IOException e) {
      throw new StateDirException("cannot create " + p + ": " + e.getMessage(), e);
    }
  }

  public String readToken() {
    Path p = file(TOKEN);
    try {
      String t = Files.readString(p, StandardCharsets.US_ASCII).strip();
      if (t.isEmpty()) throw new StateDirException(p + " is empty. Delete it and restart the node to create a new token.");
      return t;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new StateDirException("no control token at " + p + ". Is a node running on this state dir? Start one with `node up`.");
    } catch (IOException e) {
      throw new StateDirException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  public void writeRuntime(RuntimeInfo info) {
    try {
      SecureFiles.writeAtomically(file(RUNTIME), info.toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StateDirException("cannot write " + file(RUNTIME) + ": " + e.getMessage(), e);
    }
  }

  public Optional<RuntimeInfo> runtime() {
    return RuntimeInfo.read(file(RUNTIME));
  }

  public void deleteRuntime() {
    try {
      Files.deleteIfExists(file(RUNTIME));
    } catch (IOException ignored) {
      // best effort on shutdown; a stale file is detected by pid on the next start
    }
  }

  public void writeFile(String name, String content) {
    try {
      SecureFiles.writeAtomically(file(name), content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StateDirException("cannot write " + file(name) + ": " + e.getMessage(), e);
    }
  }
}
