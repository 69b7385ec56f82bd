package cloud.tenki.mcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One tool as listed by {@code tools/list}: its name, texts for the model and for people, JSON
 * Schemas for its input and (optionally) its structured output, and behaviour hints.
 *
 * <p>Immutable: the schemas are copied on the way in and must not be modified through {@link
 * #inputSchema()} or {@link #outputSchema()}. Schemas follow JSON Schema 2020-12 unless they name
 * another dialect in {@code $schema}; both must describe an object ({@code "type": "object"}), as
 * clients require.
 *
 * <pre>{@code
 * ToolDefinition.builder("read_file")
 *     .title("Read a file")
 *     .description("Reads a text file from the sandbox ...")
 *     .inputSchema(schema)
 *     .annotations(ToolAnnotations.readOnly())
 *     .build();
 * }</pre>
 *
 * @param name unique name: 1 to 128 characters from {@code A-Z a-z 0-9 _ - .}
 * @param title display name for people, or {@code null}
 * @param description what the tool does, written for a model
 * @param inputSchema JSON Schema of the arguments object
 * @param outputSchema JSON Schema of {@code structuredContent}, or {@code null} when the tool
 *     returns no structured result
 * @param annotations behaviour hints (never {@code null}; {@link ToolAnnotations#NONE} for none)
 */
public record ToolDefinition(
    String name,
    String title,
    String description,
    ObjectNode inputSchema,
    ObjectNode outputSchema,
    ToolAnnotations annotations) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");

  /** Validates every field and copies the schemas. */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-128 characters from A-Z a-z 0-9 _ - . but was '" + name + "'");
    }
    if (title != null && title.isBlank()) {
      throw new IllegalArgumentException("title of tool '" + name + "' is blank; use null");
    }
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("description of tool '" + name + "' is missing");
    }
    inputSchema = objectSchema(inputSchema, name, "inputSchema");
    outputSchema = outputSchema == null ? null : objectSchema(outputSchema, name, "outputSchema");
    annotations = annotations == null ? ToolAnnotations.NONE : annotations;
  }

  private static ObjectNode objectSchema(ObjectNode schema, String tool, String field) {
    if (schema == null) {
      throw new IllegalArgumentException(field + " of tool '" + tool + "' is missing");
    }
    JsonNode type = schema.get("type");
    if (type == null || !"object".equals(type.asText())) {
      throw new IllegalArgumentException(
          field + " of tool '" + tool + "' must have \"type\": \"object\"");
    }
    return schema.deepCopy();
  }

  /** Starts a definition with the given name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Collects the fields of a {@link ToolDefinition}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private String title;
    private String description;
    private ObjectNode inputSchema;
    private ObjectNode outputSchema;
    private ToolAnnotations annotations = ToolAnnotations.NONE;

    private Builder(String name) {
      this.name = name;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public Builder inputSchema(ObjectNode inputSchema) {
      this.inputSchema = inputSchema;
      return this;
    }

    public Builder outputSchema(ObjectNode outputSchema) {
      this.outputSchema = outputSchema;
      return this;
    }

    public Builder annotations(ToolAnnotations annotations) {
      this.annotations = annotations;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad field. */
    public ToolDefinition build() {
      return new ToolDefinition(name, title, description, inputSchema, outputSchema, annotations);
    }
  }
}
