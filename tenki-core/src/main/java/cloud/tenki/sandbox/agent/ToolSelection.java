package cloud.tenki.sandbox.agent;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which tools a face offers: a base set minus any disabled tools.
 *
 * <ul>
 *   <li>{@link Mode#STANDARD}: everything an agent needs to work in a sandbox;
 *   <li>{@link Mode#READ_ONLY}: inspection only (reading and listing files, status);
 *   <li>{@link Mode#FULL}: standard plus tools for power users ({@code unexpose_port}, {@code
 *       reset_sandbox}).
 * </ul>
 *
 * <p>Immutable.
 *
 * @param mode the base set
 * @param disabled tool names removed from it
 */
public record ToolSelection(Mode mode, Set<String> disabled) {

  /** Base sets of tools. */
  public enum Mode {
    STANDARD,
    READ_ONLY,
    FULL
  }

  private static final List<String> READ_ONLY_TOOLS =
      List.of(ToolNames.READ_FILE, ToolNames.LIST_FILES, ToolNames.SANDBOX_STATUS);

  private static final List<String> STANDARD_TOOLS =
      List.of(
          ToolNames.RUN_CODE,
          ToolNames.RUN_COMMAND,
          ToolNames.READ_PROCESS_OUTPUT,
          ToolNames.STOP_PROCESS,
          ToolNames.READ_FILE,
          ToolNames.WRITE_FILE,
          ToolNames.EDIT_FILE,
          ToolNames.LIST_FILES,
          ToolNames.EXPOSE_PORT,
          ToolNames.SANDBOX_STATUS,
          ToolNames.EXTEND_SANDBOX,
          ToolNames.RESTART_SANDBOX);

  private static final List<String> FULL_TOOLS =
      List.of(ToolNames.UNEXPOSE_PORT, ToolNames.RESET_SANDBOX);

  // Declared after the lists above: class initialisation runs in source order.
  /** The standard set with nothing disabled. */
  public static final ToolSelection STANDARD = new ToolSelection(Mode.STANDARD, Set.of());

  public ToolSelection {
    if (mode == null) {
      throw new IllegalArgumentException("mode must not be null");
    }
    disabled = Set.copyOf(disabled);
    Set<String> known = new LinkedHashSet<>(STANDARD_TOOLS);
    known.addAll(FULL_TOOLS);
    for (String name : disabled) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "disabled names an unknown tool '" + name + "'; known tools: " + known);
      }
    }
  }

  /** This selection with {@code names} disabled as well. */
  public ToolSelection disable(String... names) {
    Set<String> more = new LinkedHashSet<>(disabled);
    more.addAll(List.of(names));
    return new ToolSelection(mode, more);
  }

  /** The names of the tools enabled. */
  public Set<String> enabledNames() {
    Set<String> names = new LinkedHashSet<>();
    switch (mode) {
      case READ_ONLY -> names.addAll(READ_ONLY_TOOLS);
      case STANDARD -> names.addAll(STANDARD_TOOLS);
      case FULL -> {
        names.addAll(STANDARD_TOOLS);
        names.addAll(FULL_TOOLS);
      }
    }
    names.removeAll(disabled);
    return names;
  }
}
