package dev.wattswarm.node.brain;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A language model behind an API. Implementations are safe to call from several threads at once
 * and never throw anything but {@link BrainException} from {@link #complete} and {@link #stream}.
 */
public interface Brain {
  String name();

  /**
   * Asks and waits for the whole reply, retrying transient failures as configured.
   *
   * @throws BrainException saying what failed, at which URL, and what to do
   */
  BrainReply complete(BrainRequest req);

  /**
   * Asks and hands each piece of text to {@code onToken} as the model produces it. Transient
   * failures are retried only until the first piece was handed over, so no text is ever repeated.
   *
   * @return the full reply, the concatenation of every piece handed over
   * @throws BrainException as {@link #complete}, and MALFORMED when the stream ends early
   */
  BrainReply stream(BrainRequest req, Consumer<String> onToken);

  /** Checks that the brain can work (reachable, model present, key accepted); never throws. */
  Diagnosis doctor();

  /** The brain a configuration describes; contacts nothing until it is used. */
  static Brain create(String name, BrainConfig config) {
    return create(name, config, System::getenv);
  }

  /** @param env looks up environment variables (the API key); tests pass a map */
  static Brain create(String name, BrainConfig config, Function<String, String> env) {
    return switch (config.kind()) {
      case RULES -> new RulesBrain(name);
      case OLLAMA -> new OllamaBrain(name, config, env);
      case OPENAI_COMPATIBLE -> new OpenAiCompatibleBrain(name, config, env);
    };
  }
}
