package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.agent.ToolSpec.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tool's arguments, checked against its {@link ToolSpec}: the same parameters that generate the
 * input schema decide what is accepted, so validation and schema cannot drift apart. JSON null for
 * an optional argument counts as absent (models often send it).
 */
final class ToolArgs {
  private final String tool;
  private final Map<String, Object> values;

  private ToolArgs(String tool, Map<String, Object> values) {
    this.tool = tool;
    this.values = values;
  }

  /**
   * Checks {@code raw} against {@code spec}.
   *
   * @throws ToolFailure naming the first argument that is unknown, missing or of the wrong type or
   *     range
   */
  static ToolArgs parse(ToolSpec spec, Map<String, ?> raw) {
    Map<String, ?> in = raw == null ? Map.of() : raw;
    for (String name : in.keySet()) {
      if (name == null || spec.parameter(name) == null) {
        throw invalid(
            spec.name(),
            "unknown argument `"
                + name
                + "`; "
                + spec.name()
                + " accepts "
                + spec.parameters().stream().map(p -> "`" + p.name() + "`").toList());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Parameter p : spec.parameters()) {
      Object v = in.get(p.name());
      if (v == null) {
        if (p.required()) {
          throw invalid(spec.name(), "`" + p.name() + "` is required (" + p.description() + ")");
        }
        continue;
      }
      out.put(p.name(), convert(spec.name(), p, v));
    }
    return new ToolArgs(spec.name(), Collections.unmodifiableMap(out));
  }

  private static Object convert(String tool, Parameter p, Object v) {
    switch (p.type()) {
      case STRING -> {
        if (!(v instanceof String s)) {
          throw wrongType(tool, p, "a string", v);
        }
        if (!p.allowedValues().isEmpty() && !p.allowedValues().contains(s)) {
          throw invalid(
              tool,
              "`" + p.name() + "` must be one of " + p.allowedValues() + ", got \"" + s + "\"");
        }
        return s;
      }
      case INTEGER -> {
        Long n = integral(v);
        if (n == null) {
          throw wrongType(tool, p, "an integer", v);
        }
        if ((p.minimum() != null && n < p.minimum()) || (p.maximum() != null && n > p.maximum())) {
          throw invalid(tool, "`" + p.name() + "` must be " + range(p) + ", got " + n);
        }
        return n;
      }
      case BOOLEAN -> {
        if (!(v instanceof Boolean b)) {
          throw wrongType(tool, p, "true or false", v);
        }
        return b;
      }
      case STRING_ARRAY -> {
        if (!(v instanceof List<?> list)) {
          throw wrongType(tool, p, "an array of strings", v);
        }
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof String)) {
            throw invalid(tool, "`" + p.name() + "[" + i + "]` must be a string");
          }
        }
        return List.copyOf(list);
      }
      case STRING_MAP -> {
        if (!(v instanceof Map<?, ?> map)) {
          throw wrongType(tool, p, "an object whose values are strings", v);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!(e.getKey() instanceof String k) || !(e.getValue() instanceof String s)) {
            throw invalid(tool, "`" + p.name() + "." + e.getKey() + "` must be a string value");
          }
          copy.put(k, s);
        }
        return Collections.unmodifiableMap(copy);
      }
      default -> throw new IllegalStateException("unhandled type " + p.type());
    }
  }

  private static String range(Parameter p) {
    if (p.minimum() != null && p.maximum() != null) {
      return "between " + p.minimum() + " and " + p.maximum();
    }
    return p.minimum() != null ? "at least " + p.minimum() : "at most " + p.maximum();
  }

  /** The value of an integral JSON number, or null (fractions and non-numbers). */
  private static Long integral(Object v) {
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    try {
      if (v instanceof BigInteger b) {
        return b.longValueExact();
      }
      if (v instanceof BigDecimal d) {
        return d.longValueExact();
      }
      if (v instanceof Double || v instanceof Float) {
        double d = ((Number) v).doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
          return (long) d;
        }
      }
    } catch (ArithmeticException e) {
      return null;
    }
    return null;
  }

  private static ToolFailure wrongType(String tool, Parameter p, String expected, Object v) {
    String got =
        v instanceof String
            ? "a string"
            : v instanceof Number ? "the number " + v : v.getClass().getSimpleName();
    if (v instanceof Boolean) {
      got = "a boolean";
    } else if (v instanceof List) {
      got = "an array";
    } else if (v instanceof Map) {
      got = "an object";
    }
    return invalid(tool, "`" + p.name() + "` must be " + expected + ", got " + got);
  }

  static ToolFailure invalid(String tool, String detail) {
    return new ToolFailure("Invalid arguments for " + tool + ": " + detail + ".");
  }

  /** A failure naming this tool. */
  ToolFailure invalid(String detail) {
    return invalid(tool, detail);
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String string(String name) {
    return (String) values.get(name);
  }

  String string(String name, String fallback) {
    return has(name) ? string(name) : fallback;
  }

  Long integer(String name) {
    return (Long) values.get(name);
  }

  long integer(String name, long fallback) {
    return has(name) ? integer(name) : fallback;
  }

  boolean bool(String name, boolean fallback) {
    return has(name) ? (Boolean) values.get(name) : fallback;
  }

  @SuppressWarnings("unchecked")
  List<String> strings(String name) {
    return (List<String>) values.get(name);
  }

  @SuppressWarnings("unchecked")
  Map<String, String> map(String name) {
    return has(name) ? (Map<String, String>) values.get(name) : Map.of();
  }
}
