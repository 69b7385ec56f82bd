package cloud.tenki.sandbox.agent;

/**
 * How much of one output stream (stdout, stderr, a file's text) a tool may return to the model.
 *
 * <p>Budgets are counted in characters. {@link #ofTokens(int)} converts a token budget at {@value
 * #CHARS_PER_TOKEN} characters per token, a conservative average for English text and code with
 * common LLM tokenizers; pick a character budget when you need exactness.
 *
 * <p>Output within the budget is returned whole. Longer output keeps its beginning and its end (the
 * end gets the larger share: errors and results usually come last), cut on line and UTF-8
 * boundaries, with a marker in between stating how much was left out.
 *
 * @param maxChars the most characters returned, marker included; at least {@value #MIN_CHARS}
 */
public record OutputBudget(int maxChars) {

  /** Characters per token used by {@link #ofTokens(int)}. */
  public static final int CHARS_PER_TOKEN = 4;

  /** The smallest budget that leaves room for a useful head, tail and marker. */
  public static final int MIN_CHARS = 256;

  /** 16,000 characters (about 4,000 tokens) per stream. */
  public static final OutputBudget DEFAULT = new OutputBudget(16_000);

  public OutputBudget {
    if (maxChars < MIN_CHARS) {
      throw new IllegalArgumentException(
          "maxChars must be at least " + MIN_CHARS + " but was " + maxChars);
    }
  }

  /** A budget of {@code maxChars} characters. */
  public static OutputBudget ofChars(int maxChars) {
    return new OutputBudget(maxChars);
  }

  /** A budget of about {@code maxTokens} tokens ({@value #CHARS_PER_TOKEN} characters each). */
  public static OutputBudget ofTokens(int maxTokens) {
    if (maxTokens <= 0) {
      throw new IllegalArgumentException("maxTokens must be positive but was " + maxTokens);
    }
    return new OutputBudget((int) Math.min(Integer.MAX_VALUE, (long) maxTokens * CHARS_PER_TOKEN));
  }
}
