package cloud.tenki.sandbox.agent;

/**
 * A tool call that cannot succeed, with the short, actionable message the model gets as an error
 * result. Never escapes the toolkit: {@link SandboxToolkit#call} turns it into a {@link
 * ToolResult}.
 */
final class ToolFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ToolFailure(String message) {
    super(message, null, false, false);
  }
}
