package dev.wattswarm.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * Newline-delimited JSON-RPC on stdio, guarded. The SDK's stdio transport stops reading for good
 * at the first line it cannot parse, leaving a client hanging; so lines that are not one JSON-RPC
 * 2.0 message are answered here with a JSON-RPC error and never reach it. Output is written whole
 * lines at a time, so these answers never interleave with the SDK's. End of input is signalled,
 * which is how a stdio session ends.
 */
public final class StdioFraming {
  /** Longest line taken; a longer one is answered with an error and skipped. */
  public static final int MAX_LINE_CHARS = 4 << 20;

  private final BufferedReader in;
  private final OutputStream rawOut;
  private final CountDownLatch eof = new CountDownLatch(1);
  private final Object writeLock = new Object();

  public StdioFraming(InputStream in, OutputStream out) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.rawOut = out;
  }

  /** What the SDK reads: only lines that are one JSON-RPC 2.0 message. */
  public InputStream input() {
    return new InputStream() {
      private byte[] line = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        if (!fill()) return -1;
        return line[pos++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
      }

      private boolean fill() throws IOException {
        while (pos >= line.length) {
          String next = nextValidLine();
          if (next == null) return false;
          line = (next + "\n").getBytes(StandardCharsets.UTF_8);
          pos = 0;
        }
        return true;
      }
    };
  }

  /** What the SDK writes: passed on a whole line at a time. */
  public OutputStream output() {
    return new OutputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) throws IOException {
        pending.write(b);
        if (b == '\n') drain();
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) write(b[i]);
      }

      @Override
      public synchronized void flush() throws IOException {
        if (pending.size() > 0 && pending.toByteArray()[pending.size() - 1] == '\n') drain();
      }

      private void drain() throws IOException {
        writeLine(pending.toByteArray());
        pending.reset();
      }
    };
  }

  public void awaitEnd() throws InterruptedException {
    eof.await();
  }

  private String nextValidLine() throws IOException {
    while (true) {
      String line;
      try {
        line = readBounded();
      } catch (IOException e) {
        line = null;
      }
      if (line == null) {
        eof.countDown();
        return null;
      }
      if (line.isBlank()) continue;
      String why = check(line);
      if (why == null) return line;
    }
  }

  // a line longer than the cap is consumed to its end and refused
  private String readBounded() throws IOException {
    StringBuilder sb = new StringBuilder();
    boolean tooLong = false;
    for (int c; (c = in.read()) != -1; ) {
      if (c == '\n') {
        if (tooLong) {
          refuse(null, -32600, "message longer than " + MAX_LINE_CHARS + " characters");
          sb.setLength(0);
          tooLong = false;
          continue;
        }
        return sb.toString();
      }
      if (tooLong) continue;
      if (sb.length() >= MAX_LINE_CHARS) {
        tooLong = true;
        sb.setLength(0);
      } else {
        sb.append((char) c);
      }
    }
    // end of input; a last line without its newline still counts
    return tooLong || sb.isEmpty() ? null : sb.toString();
  }

  /** Null when the line is one JSON-RPC 2.0 message; otherwise answers it and says why. */
  private String check(String line) throws IOException {
    JsonNode m;
    try {
      m = CanonicalJson.MAPPER.readTree(line);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      return refuse(null, -32700, "Parse error: " + msg);
    }
    if (m != null && m.isArray()) return refuse(null, -32600, "JSON-RPC batches are not supported; send one message per line");
    JsonNode id = m != null && m.isObject() ? m.get("id") : null;
    if (m == null || !m.isObject() || !"2.0".equals(m.path("jsonrpc").asText(null))) {
      return refuse(id, -32600, "not a JSON-RPC 2.0 message: send an object with \"jsonrpc\":\"2.0\"");
    }
    if (m.has("method") ? !m.get("method").isTextual() : !(m.has("result") || m.has("error"))) {
      return refuse(id, -32600, "a JSON-RPC message needs a string \"method\" (or \"result\"/\"error\" for a response)");
    }
    return null;
  }

  private String refuse(JsonNode id, int code, String message) throws IOException {
    ObjectNode o = CanonicalJson.object().put("jsonrpc", "2.0");
    if (id != null && (id.isTextual() || id.isIntegralNumber())) o.set("id", id);
    else o.putNull("id");
    o.putObject("error").put("code", code).put("message", message);
    writeLine((CanonicalJson.MAPPER.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8));
    return message;
  }

  private void writeLine(byte[] line) throws IOException {
    synchronized (writeLock) {
      rawOut.write(line);
      rawOut.flush();
    }
  }
}
