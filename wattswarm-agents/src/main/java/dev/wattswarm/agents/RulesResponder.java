package dev.wattswarm.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.json.CanonicalJson;
import java.util.Locale;

/**
 * The deterministic brain: no model, the same answer for the same message, for tests and offline
 * use. It reads the message's text and reports what its capabilities look for (a security
 * specialist flags eval/exec/shell calls, a docs specialist missing comments, and so on).
 */
public final class RulesResponder implements Responder {
  /** Pure computation over a bounded message: it never waits on anything. */
  @Override
  public boolean blocking(JsonNode body) {
    return false;
  }

  @Override
  public JsonNode respond(AgentSpec self, String from, JsonNode body) {
    // review the code when the message carries some, not the envelope around it
    JsonNode code = body.path("goal").path("code").isTextual() ? body.path("goal").path("code") : body.path("code");
    String raw = code.isTextual() ? code.asText() : CanonicalJson.encodeString(body);
    String text = raw.toLowerCase(Locale.ROOT);
    // a set: capabilities that overlap (security and audit) must not report one finding twice
    java.util.Set<String> findings = new java.util.LinkedHashSet<>();
    for (String cap : self.capabilities()) {
      switch (cap) {
        case "security", "audit" -> {
          for (String risky : new String[] {"eval(", "exec(", "os.system", "subprocess", "pickle.loads", "password"}) {
            if (text.contains(risky)) findings.add("security: " + risky.replace("(", "") + " on untrusted input");
          }
        }
        case "docs", "documentation" -> {
          if (!text.contains("#") && !text.contains("\"\"\"") && !text.contains("//")) findings.add("docs: no comments or docstrings");
        }
        case "testing", "tests" -> {
          if (!text.contains("test") && !text.contains("assert")) findings.add("testing: no tests or assertions");
        }
        case "code", "review" -> {
          if (text.length() > 2_000) findings.add("code: long input; consider splitting it");
          if (text.contains("todo") || text.contains("fixme")) findings.add("code: unfinished work (TODO/FIXME)");
          if (text.contains("except:")) findings.add("code: bare except hides errors");
          if (raw.lines().anyMatch(l -> l.length() > 100)) findings.add("code: lines over 100 characters");
          if (text.contains("def ") && !text.contains("->") && !text.contains(":param")) findings.add("code: functions without type hints");
        }
        default -> {}
      }
    }
    ObjectNode o = CanonicalJson.object();
    o.put("agent", self.name()).put("role", self.role().wire());
    var caps = o.putArray("capabilities");
    self.capabilities().stream().sorted().forEach(caps::add);
    var f = o.putArray("findings");
    findings.forEach(f::add);
    o.put("summary", findings.isEmpty() ? "nothing to report" : findings.size() + " finding(s)");
    return o;
  }
}
