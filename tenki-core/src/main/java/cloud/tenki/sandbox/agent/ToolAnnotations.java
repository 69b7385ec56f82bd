package cloud.tenki.sandbox.agent;

/**
 * Hints about a tool's behaviour, with the meaning MCP gives them. Clients use them to decide what
 * to confirm with the user; they are hints, not guarantees.
 *
 * @param readOnly the tool does not change its environment
 * @param destructive the tool may delete or overwrite data (meaningful only when not read-only)
 * @param idempotent calling it again with the same arguments has no further effect
 * @param openWorld the tool may interact with the world outside the sandbox (network, public URLs)
 */
public record ToolAnnotations(
    boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {

  static ToolAnnotations readOnlyTool() {
    return new ToolAnnotations(true, false, true, false);
  }
}
