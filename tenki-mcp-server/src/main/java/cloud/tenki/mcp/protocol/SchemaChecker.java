package cloud.tenki.mcp.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON values against tool schemas (JSON Schema 2020-12 unless a schema names another
 * dialect), with compiled schemas cached per schema instance.
 *
 * <p>Remote {@code $ref}s are never fetched: a schema can only refer to itself and to the
 * meta-schemas bundled with the validator. Thread-safe.
 */
final class SchemaChecker {

  private static final int MAX_REPORTED = 5;
  private static final int MAX_IDENTITIES = 256;

  // built on first use: loading the validator costs start-up time that listing tools never needs
  private volatile SchemaRegistry registry;

  // keyed by value, so a source that rebuilds equal schemas does not grow the cache
  private final Map<ObjectNode, Schema> compiled = new ConcurrentHashMap<>();

  // in front, keyed by identity: hashing and comparing a schema tree on every call costs more than
  // the validation of small arguments; bounded, for sources that build a new schema per call
  private final Map<Identity, Schema> byIdentity = new ConcurrentHashMap<>();

  /**
   * Problems of {@code value} against {@code schema}, each naming the location (such as {@code
   * /count}); empty when valid. At most a few problems are reported.
   */
  List<String> problems(ObjectNode schema, JsonNode value) {
    Schema compiledSchema = compiled(schema);
    List<Error> errors = compiledSchema.validate(value);
    List<String> problems = new ArrayList<>(Math.min(errors.size(), MAX_REPORTED));
    for (Error error : errors) {
      if (problems.size() == MAX_REPORTED) {
        problems.add("(" + (errors.size() - MAX_REPORTED) + " more)");
        break;
      }
      problems.add(describe(error));
    }
    if (errors.stream().anyMatch(SchemaChecker::unknownTopLevelProperty)) {
      // the model guessed a name (recursive, file_path, cmd): the names it can use settle it
      List<String> names = new ArrayList<>();
      schema.path("properties").fieldNames().forEachRemaining(names::add);
      if (!names.isEmpty()) {
        problems.add("the arguments are: " + String.join(", ", names));
      }
    }
    return problems;
  }

  private Schema compiled(ObjectNode schema) {
    Identity identity = new Identity(schema);
    Schema known = byIdentity.get(identity);
    if (known != null) {
      return known;
    }
    Schema found = compiled.computeIfAbsent(schema, this::compile);
    if (byIdentity.size() >= MAX_IDENTITIES) {
      byIdentity.clear();
    }
    byIdentity.put(identity, found);
    return found;
  }

  /** A schema instance as a map key: same object, not equal content. */
  private record Identity(ObjectNode node) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Identity i && i.node == node;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(node);
    }
  }

  private Schema compile(ObjectNode schema) {
    return registry().getSchema(schema);
  }

  private SchemaRegistry registry() {
    SchemaRegistry current = registry;
    if (current == null) {
      synchronized (this) {
        current = registry;
        if (current == null) {
          current =
              SchemaRegistry.withDefaultDialect(
                  SpecificationVersion.DRAFT_2020_12,
                  builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
          registry = current;
        }
      }
    }
    return current;
  }

  /** Where in the value the error is; empty or {@code $} for the value itself. */
  private static String location(Error error) {
    return error.getInstanceLocation() == null ? "" : error.getInstanceLocation().toString();
  }

  private static boolean atRoot(String location) {
    return location.isEmpty() || "$".equals(location);
  }

  private static boolean unknownTopLevelProperty(Error error) {
    return "additionalProperties".equals(error.getKeyword()) && atRoot(location(error));
  }

  private static String describe(Error error) {
    String location = location(error);
    String message = error.getMessage();
    if (atRoot(location) || message.startsWith(location)) {
      return message;
    }
    return location + ": " + message;
  }
}
