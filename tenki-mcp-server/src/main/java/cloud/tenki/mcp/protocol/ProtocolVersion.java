package cloud.tenki.mcp.protocol;

import java.util.List;

/**
 * The MCP revisions this server speaks, newest first, and what differs between them.
 *
 * <ul>
 *   <li>{@code 2025-03-26}: JSON-RPC batches allowed; no tool {@code title} (it goes into the
 *       annotations), no {@code outputSchema} or {@code structuredContent}.
 *   <li>{@code 2025-06-18}: batches removed; titles, output schemas and structured content added.
 *   <li>{@code 2025-11-25}: the current revision (JSON Schema 2020-12 by default, input validation
 *       errors as tool results).
 * </ul>
 */
public enum ProtocolVersion {
  V2025_11_25("2025-11-25"),
  V2025_06_18("2025-06-18"),
  V2025_03_26("2025-03-26");

  /** The newest revision, answered when a client asks for one we do not speak. */
  public static final ProtocolVersion LATEST = V2025_11_25;

  private final String wireName;

  ProtocolVersion(String wireName) {
    this.wireName = wireName;
  }

  /** The date string used on the wire. */
  public String wireName() {
    return wireName;
  }

  /** The revision named by {@code wireName}, or {@code null} when we do not speak it. */
  public static ProtocolVersion fromWireName(String wireName) {
    for (ProtocolVersion version : values()) {
      if (version.wireName.equals(wireName)) {
        return version;
      }
    }
    return null;
  }

  /** The client's revision if we speak it, else our latest (the client then decides). */
  public static ProtocolVersion negotiate(String requested) {
    ProtocolVersion version = fromWireName(requested);
    return version == null ? LATEST : version;
  }

  /** All wire names, newest first. */
  public static List<String> wireNames() {
    return List.of(V2025_11_25.wireName, V2025_06_18.wireName, V2025_03_26.wireName);
  }

  /** Whether a JSON-RPC batch (an array of messages) is allowed. */
  public boolean allowsBatches() {
    return this == V2025_03_26;
  }

  /** Whether tools have titles, output schemas and structured results. */
  public boolean hasStructuredContent() {
    return this != V2025_03_26;
  }
}
