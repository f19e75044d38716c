package dev.wattswarm.node.brain;

import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A brain without a model, for tests and offline nodes: answers {@code "rules: "} plus the start of
 * the prompt, and as a verifier passes exactly the candidates that look like its own answers. The
 * same prompt always gets the same reply, so quorum votes between rules brains agree.
 */
public final class RulesBrain implements Brain {
  static final String PREFIX = "rules: ";
  static final int ECHO_CHARS = 200;
  private static final Pattern PIECES = Pattern.compile("\\S+\\s*|\\s+");

  private final String name;

  public RulesBrain(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public BrainReply complete(BrainRequest req) {
    return new BrainReply(answer(req), "rules", words(req.system()) + words(req.prompt()), words(answer(req)), "stop");
  }

  /** Streams the reply a word at a time, so streaming callers can be exercised offline. */
  @Override
  public BrainReply stream(BrainRequest req, Consumer<String> onToken) {
    BrainReply r = complete(req);
    Matcher m = PIECES.matcher(r.text());
    while (m.find()) onToken.accept(m.group());
    return r;
  }

  @Override
  public Diagnosis doctor() {
    return new Diagnosis(true, List.of("[ok] rules brain '" + name + "': deterministic, needs no network or model"));
  }

  private static String answer(BrainRequest req) {
    int at = req.prompt().indexOf(BrainExecutor.CANDIDATE_HEADING);
    if (req.system().contains(BrainExecutor.VERDICT_INSTRUCTION) && at >= 0) {
      String candidate = req.prompt().substring(at + BrainExecutor.CANDIDATE_HEADING.length()).strip();
      return candidate.startsWith(PREFIX) ? "PASS the candidate is a rules answer" : "FAIL the candidate is not a rules answer";
    }
    String p = req.prompt();
    return PREFIX + (p.length() <= ECHO_CHARS ? p : p.substring(0, ECHO_CHARS));
  }

  private static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : t.split("\\s+").length;
  }
}
