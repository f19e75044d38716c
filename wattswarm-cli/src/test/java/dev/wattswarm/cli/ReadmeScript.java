package dev.wattswarm.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one README shell block into a bash script that runs its lines as written, stops at the
 * first failing line and names it, puts the lines marked {@code background} in the background
 * (waiting for a node to be ready before the next line) and checks that lines marked
 * {@code fails} fail with one line of error.
 */
final class ReadmeScript {
  private ReadmeScript() {}

  private static final Pattern STATE_DIR = Pattern.compile("--state-dir\\s+(\\S+)");

  static String of(ReadmeBlocks.Block b, Path work) {
    StringBuilder s = new StringBuilder();
    s.append("set -eo pipefail\n");
    s.append("__at=0\ntrap 'echo \"README line $__at failed (exit $?)\" >&2' ERR\n");
    s.append("""
        __ready() { # DIR PID LOG: a background node up is ready when its runtime.json appears
          for __i in $(seq 1 1200); do
            [[ -s $1/runtime.json ]] && return 0
            kill -0 "$2" 2>/dev/null || { echo "README line $__at: node up exited:"; cat "$3"; return 1; }
            sleep 0.1
          done
          echo "README line $__at: node up not ready in 120 s"; cat "$3"; return 1
        }
        """);
    for (int i = 0; i < b.lines().size(); i++) {
      String line = b.lines().get(i);
      int n = b.firstLine() + i;
      if (line.isBlank()) continue;
      s.append("__at=").append(n).append('\n');
      if (b.skipLines().stream().anyMatch(line::contains)) {
        s.append(": skipped\n");
      } else if (b.background().stream().anyMatch(line::contains)) {
        String log = ".readme-bg-" + n + ".log";
        // a brace group ends the line's own comment with a newline, so the redirections apply
        s.append("{ ").append(line).append("\n} >").append(log).append(" 2>&1 </dev/null &\n");
        s.append("echo $! >> .readme-bg-pids\n");
        Matcher dir = STATE_DIR.matcher(line);
        if (line.contains("node up") && dir.find()) {
          s.append("__ready ").append(dir.group(1)).append(" $! ").append(log).append('\n');
        }
      } else if (b.fails().stream().anyMatch(line::contains)) {
        s.append("__rc=0\n{ ").append(line).append("\n} 2>.readme-err || __rc=$?\n");
        s.append("cat .readme-err >&2\n");
        s.append("[[ $__rc -ne 0 ]] || { echo \"README line ").append(n).append(" was expected to fail\"; exit 1; }\n");
        s.append("[[ $(grep -c . .readme-err) -eq 1 ]] || { echo \"README line ").append(n)
            .append(": the error is not one line\"; exit 1; }\n");
      } else {
        s.append(line).append('\n');
      }
    }
    return s.toString();
  }

  /** Loopback only and free ports, whatever the README's commands pass; nothing from the caller's WATTSWARM_*. */
  static void environment(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("WATTSWARM_"));
    env.put("WATTSWARM_CONTROL_PORT", "0");
    env.put("WATTSWARM_P2P_PORT", "0");
    env.put("WATTSWARM_P2P_LISTEN_ADDRS", "127.0.0.1:0");
    env.put("WATTSWARM_PUBLIC_HTTP_ADDR", "127.0.0.1:0");
  }
}
