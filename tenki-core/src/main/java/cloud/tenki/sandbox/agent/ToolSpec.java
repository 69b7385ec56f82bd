package cloud.tenki.sandbox.agent;

import java.util.List;
import java.util.Objects;

/**
 * One tool of the catalog: what a model sees of it.
 *
 * <p>Both tool faces (LangChain4j and MCP) present exactly these names, descriptions and schemas.
 * The input schema is generated from {@link #parameters()}, so a face that declares parameters one
 * by one and a face that sends the JSON Schema describe the same thing. Schemas are JSON Schema
 * (2020-12) documents as JSON text.
 *
 * @param name the tool's name, unique in the catalog ({@code snake_case})
 * @param title a short human-readable title
 * @param description what the tool does and when to use it, written for a model
 * @param parameters the arguments, in the order they are documented
 * @param outputSchema JSON Schema of the structured result
 * @param annotations behaviour hints
 */
public record ToolSpec(
    String name,
    String title,
    String description,
    List<Parameter> parameters,
    String outputSchema,
    ToolAnnotations annotations) {

  public ToolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(outputSchema, "outputSchema");
    Objects.requireNonNull(annotations, "annotations");
    parameters = List.copyOf(parameters);
  }

  /** JSON Schema of the arguments: an object whose properties are {@link #parameters()}. */
  public String inputSchema() {
    StringBuilder json = new StringBuilder("{\"type\":\"object\",\"properties\":{");
    for (int i = 0; i < parameters.size(); i++) {
      if (i > 0) {
        json.append(',');
      }
      Parameter p = parameters.get(i);
      Json.string(json, p.name()).append(':');
      p.appendSchema(json);
    }
    json.append("},\"required\":[");
    boolean first = true;
    for (Parameter p : parameters) {
      if (p.required()) {
        if (!first) {
          json.append(',');
        }
        Json.string(json, p.name());
        first = false;
      }
    }
    return json.append("],\"additionalProperties\":false}").toString();
  }

  /** The parameter called {@code name}, or null. */
  public Parameter parameter(String name) {
    for (Parameter p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /** JSON types a parameter can have. */
  public enum Type {
    STRING("string"),
    INTEGER("integer"),
    BOOLEAN("boolean"),
    /** An array of strings. */
    STRING_ARRAY("array"),
    /** An object whose values are strings (environment variables, for example). */
    STRING_MAP("object");

    private final String jsonType;

    Type(String jsonType) {
      this.jsonType = jsonType;
    }

    /** The JSON Schema {@code type} keyword's value. */
    public String jsonType() {
      return jsonType;
    }
  }

  /**
   * One argument of a tool.
   *
   * @param name the property name in the input schema
   * @param type its type
   * @param description what it means, written for a model
   * @param required whether the model must pass it
   * @param allowedValues for strings: the only values accepted, or empty for any
   * @param minimum for integers: the smallest value accepted, or null
   * @param maximum for integers: the largest value accepted, or null
   */
  public record Parameter(
      String name,
      Type type,
      String description,
      boolean required,
      List<String> allowedValues,
      Long minimum,
      Long maximum) {

    public Parameter {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(description, "description");
      allowedValues = List.copyOf(allowedValues);
    }

    static Parameter required(String name, Type type, String description) {
      return new Parameter(name, type, description, true, List.of(), null, null);
    }

    static Parameter optional(String name, Type type, String description) {
      return new Parameter(name, type, description, false, List.of(), null, null);
    }

    Parameter oneOf(String... values) {
      return new Parameter(name, type, description, required, List.of(values), minimum, maximum);
    }

    Parameter range(long min, long max) {
      return new Parameter(name, type, description, required, allowedValues, min, max);
    }

    void appendSchema(StringBuilder json) {
      json.append("{\"type\":");
      Json.string(json, type.jsonType());
      json.append(",\"description\":");
      Json.string(json, description);
      if (type == Type.STRING_ARRAY) {
        json.append(",\"items\":{\"type\":\"string\"}");
      } else if (type == Type.STRING_MAP) {
        json.append(",\"additionalProperties\":{\"type\":\"string\"}");
      }
      if (!allowedValues.isEmpty()) {
        json.append(",\"enum\":[");
        for (int i = 0; i < allowedValues.size(); i++) {
          if (i > 0) {
            json.append(',');
          }
          Json.string(json, allowedValues.get(i));
        }
        json.append(']');
      }
      if (minimum != null) {
        json.append(",\"minimum\":").append(minimum);
      }
      if (maximum != null) {
        json.append(",\"maximum\":").append(maximum);
      }
      json.append('}');
    }
  }
}
