package dev.wattswarm.store;

import dev.wattswarm.kernel.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/** A fixed set of read connections, opened on demand, so queries never wait behind the writer. */
final class ReadPool implements AutoCloseable {
  interface Opener {
    Connection open() throws SQLException;
  }

  interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private final Opener opener;
  private final BlockingQueue<Connection> idle;
  private final Semaphore permits;
  private final List<Connection> all = new ArrayList<>();
  private volatile boolean closed;

  ReadPool(Opener opener, int size) {
    this.opener = opener;
    this.idle = new ArrayBlockingQueue<>(size);
    this.permits = new Semaphore(size);
  }

  <T> T with(Query<T> q) {
    if (closed) throw new StoreException("the store is closed");
    permits.acquireUninterruptibly();
    Connection c = idle.poll();
    try {
      if (c == null) {
        c = opener.open();
        synchronized (all) {
          all.add(c);
        }
      }
      return q.run(c);
    } catch (SQLException e) {
      if (c != null) {
        discard(c);
        c = null;
      }
      throw new StoreException("store query failed: " + e.getMessage(), e);
    } finally {
      if (c != null) idle.offer(c);
      permits.release();
    }
  }

  private void discard(Connection c) {
    synchronized (all) {
      all.remove(c);
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (all) {
      for (Connection c : all) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // closing anyway
        }
      }
      all.clear();
    }
  }
}
