package dev.wattswarm.node.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;

/** The held state-dir lock; the OS releases it if the process dies, so kill -9 never wedges a dir. */
public final class NodeLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  NodeLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // the OS drops the lock with the descriptor anyway
    }
  }
}
