package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.agent.ToolSpec;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares what LangChain4j derives from the {@code @Tool} methods with the toolkit's catalog:
 * names, descriptions, and per parameter its name, JSON type, whether it is required, allowed
 * values and description. (Ranges and the value type of maps cannot be expressed by {@code @Tool}
 * parameters; the toolkit checks them on every call.)
 */
final class ToolsCheck {
  private ToolsCheck() {}

  /** A tool as the model sees it, reduced to what both sides can express. */
  record Shape(String name, String description, List<Param> params) {}

  /** One parameter of a {@link Shape}. */
  record Param(
      String name, String type, boolean required, List<String> allowed, String description) {}

  /** The first difference between {@code tools}' methods and {@code offered}, or null if none. */
  static String mismatch(Object tools, List<ToolSpec> offered) {
    List<Shape> derived = shapes(ToolSpecifications.toolSpecificationsFrom(tools));
    List<Shape> expected = offered.stream().map(ToolsCheck::shape).toList();
    Map<String, Shape> byName = new LinkedHashMap<>();
    derived.forEach(s -> byName.put(s.name(), s));
    List<String> derivedNames = derived.stream().map(Shape::name).sorted().toList();
    List<String> expectedNames = expected.stream().map(Shape::name).sorted().toList();
    if (!derivedNames.equals(expectedNames)) {
      return "the toolkit offers " + expectedNames + ", the @Tool methods " + derivedNames;
    }
    for (Shape e : expected) {
      Shape d = byName.get(e.name());
      if (!Objects.equals(d, e)) {
        return e.name() + " differs: the toolkit documents " + e + ", the @Tool method " + d;
      }
    }
    return null;
  }

  static List<Shape> shapes(List<ToolSpecification> specs) {
    return specs.stream().map(ToolsCheck::shape).toList();
  }

  /** The shape of a catalog tool. */
  static Shape shape(ToolSpec spec) {
    List<Param> params = new ArrayList<>();
    for (ToolSpec.Parameter p : spec.parameters()) {
      String type = p.type() == ToolSpec.Type.STRING_ARRAY ? "array<string>" : p.type().jsonType();
      params.add(new Param(p.name(), type, p.required(), p.allowedValues(), p.description()));
    }
    return new Shape(spec.name(), spec.description(), params);
  }

  /** The shape of a LangChain4j specification. */
  static Shape shape(ToolSpecification spec) {
    List<Param> params = new ArrayList<>();
    JsonObjectSchema schema = spec.parameters();
    if (schema != null) {
      for (Map.Entry<String, JsonSchemaElement> e : schema.properties().entrySet()) {
        JsonSchemaElement el = e.getValue();
        boolean required = schema.required() != null && schema.required().contains(e.getKey());
        List<String> allowed = el instanceof JsonEnumSchema en ? en.enumValues() : List.of();
        params.add(new Param(e.getKey(), type(el), required, allowed, el.description()));
      }
    }
    return new Shape(spec.name(), spec.description(), params);
  }

  private static String type(JsonSchemaElement el) {
    if (el instanceof JsonStringSchema || el instanceof JsonEnumSchema) {
      return "string";
    }
    if (el instanceof JsonIntegerSchema) {
      return "integer";
    }
    if (el instanceof JsonBooleanSchema) {
      return "boolean";
    }
    if (el instanceof JsonArraySchema a) {
      return "array<" + (a.items() == null ? "?" : type(a.items())) + ">";
    }
    if (el instanceof JsonObjectSchema) {
      return "object";
    }
    return el.getClass().getSimpleName();
  }
}
