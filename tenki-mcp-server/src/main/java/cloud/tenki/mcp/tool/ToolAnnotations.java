package cloud.tenki.mcp.tool;

/**
 * Behaviour hints of a tool, as MCP defines them. Each hint is {@code null} when unspecified
 * (clients then assume the protocol's defaults: not read-only, destructive, not idempotent,
 * open-world). Clients treat hints as untrusted; they are for user interfaces and confirmations.
 *
 * @param readOnlyHint the tool does not modify its environment
 * @param destructiveHint the tool may delete or overwrite (meaningful when not read-only)
 * @param idempotentHint calling again with the same arguments has no further effect
 * @param openWorldHint the tool reaches outside a closed world (network, other systems)
 */
public record ToolAnnotations(
    Boolean readOnlyHint, Boolean destructiveHint, Boolean idempotentHint, Boolean openWorldHint) {

  /** No hints. */
  public static final ToolAnnotations NONE = new ToolAnnotations(null, null, null, null);

  /** A tool that only reads: read-only, not destructive, idempotent, closed-world. */
  public static ToolAnnotations readOnly() {
    return new ToolAnnotations(true, false, true, false);
  }

  /** Whether no hint is set. */
  public boolean isEmpty() {
    return readOnlyHint == null
        && destructiveHint == null
        && idempotentHint == null
        && openWorldHint == null;
  }
}
