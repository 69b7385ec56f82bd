package cloud.tenki.sandbox.agent;

/**
 * Per-call extras for {@link SandboxToolkit#call(String, String, java.util.Map, CallOptions)}: a
 * listener for streamed output and a cancellation handle. Either may be null.
 *
 * <pre>{@code
 * Cancellation cancel = new Cancellation();
 * ToolResult r = toolkit.call(key, "run_command", Map.of("command", "npm test"),
 *     new CallOptions((stream, text) -> System.out.print(text), cancel));
 * // on another thread, when the user presses stop:
 * cancel.cancel();
 * }</pre>
 *
 * @param listener receives stdout and stderr text as it streams, or null
 * @param cancellation cancels the call (the command is killed, partial output returned), or null
 */
public record CallOptions(OutputListener listener, Cancellation cancellation) {

  private static final CallOptions NONE = new CallOptions(null, null);

  /** No listener, no cancellation. */
  public static CallOptions none() {
    return NONE;
  }

  /** Options with only a listener. */
  public static CallOptions listener(OutputListener listener) {
    return new CallOptions(listener, null);
  }

  /** Options with only a cancellation handle. */
  public static CallOptions cancellation(Cancellation cancellation) {
    return new CallOptions(null, cancellation);
  }
}
