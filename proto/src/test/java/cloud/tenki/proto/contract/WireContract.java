package cloud.tenki.proto.contract;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compares the schema we declare with the reference schema of the Tenki API and lists every
 * difference that could change the wire.
 *
 * <p>Rules: every message and enum we declare exists in the reference with exactly the same fields
 * (name, number, type, type name, label, proto3 {@code optional}, oneof membership, JSON name,
 * packed-ness, deprecation) or values; every service we declare exists in the reference and each of
 * our methods has the same input type, output type and streaming kinds. The reference may hold more
 * services, methods, messages and enums than we declare, but a message or enum we declare must be
 * complete.
 */
final class WireContract {

  private WireContract() {}

  /** Returns human-readable differences; empty when {@code ours} matches {@code reference}. */
  static List<String> diff(
      Collection<FileDescriptorProto> ours, Collection<FileDescriptorProto> reference) {
    Index mine = Index.of(ours);
    Index theirs = Index.of(reference);
    List<String> problems = new ArrayList<>();
    mine.messages.forEach(
        (name, msg) -> compareMessage(name, msg, theirs.messages.get(name), problems));
    mine.enums.forEach((name, e) -> compareEnum(name, e, theirs.enums.get(name), problems));
    mine.services.forEach(
        (name, svc) -> compareService(name, svc, theirs.services.get(name), problems));
    return problems;
  }

  private static void compareMessage(
      String name, DescriptorProto ours, DescriptorProto ref, List<String> problems) {
    if (ref == null) {
      problems.add("message " + name + " does not exist in the reference");
      return;
    }
    if (ours.getOptions().getMapEntry() != ref.getOptions().getMapEntry()) {
      problems.add("message " + name + ": map_entry differs");
    }
    if (ours.getOptions().getDeprecated() != ref.getOptions().getDeprecated()) {
      problems.add("message " + name + ": deprecated differs");
    }
    Map<String, FieldDescriptorProto> refFields = new LinkedHashMap<>();
    ref.getFieldList().forEach(f -> refFields.put(f.getName(), f));
    for (FieldDescriptorProto field : ours.getFieldList()) {
      FieldDescriptorProto other = refFields.remove(field.getName());
      String where = "field " + name + "." + field.getName();
      if (other == null) {
        problems.add(where + " does not exist in the reference");
        continue;
      }
      check(problems, where, "number", field.getNumber(), other.getNumber());
      check(problems, where, "type", field.getType(), other.getType());
      check(problems, where, "type name", field.getTypeName(), other.getTypeName());
      check(problems, where, "label", field.getLabel(), other.getLabel());
      check(
          problems, where, "proto3 optional", field.getProto3Optional(), other.getProto3Optional());
      check(problems, where, "oneof", oneofName(ours, field), oneofName(ref, other));
      check(problems, where, "json name", jsonName(field), jsonName(other));
      check(
          problems,
          where,
          "packed",
          field.getOptions().getPacked(),
          other.getOptions().getPacked());
      check(
          problems,
          where,
          "deprecated",
          field.getOptions().getDeprecated(),
          other.getOptions().getDeprecated());
    }
    refFields
        .keySet()
        .forEach(missing -> problems.add("field " + name + "." + missing + " is missing"));
  }

  private static void compareEnum(
      String name, EnumDescriptorProto ours, EnumDescriptorProto ref, List<String> problems) {
    if (ref == null) {
      problems.add("enum " + name + " does not exist in the reference");
      return;
    }
    Map<String, Integer> refValues = new LinkedHashMap<>();
    for (EnumValueDescriptorProto v : ref.getValueList()) {
      refValues.put(v.getName(), v.getNumber());
    }
    for (EnumValueDescriptorProto v : ours.getValueList()) {
      Integer number = refValues.remove(v.getName());
      if (number == null) {
        problems.add("enum value " + name + "." + v.getName() + " does not exist in the reference");
      } else {
        check(problems, "enum value " + name + "." + v.getName(), "number", v.getNumber(), number);
      }
    }
    refValues.keySet().forEach(v -> problems.add("enum value " + name + "." + v + " is missing"));
  }

  private static void compareService(
      String name, ServiceDescriptorProto ours, ServiceDescriptorProto ref, List<String> problems) {
    if (ref == null) {
      problems.add("service " + name + " does not exist in the reference");
      return;
    }
    Map<String, MethodDescriptorProto> refMethods = new LinkedHashMap<>();
    ref.getMethodList().forEach(m -> refMethods.put(m.getName(), m));
    for (MethodDescriptorProto method : ours.getMethodList()) {
      MethodDescriptorProto other = refMethods.get(method.getName());
      String where = "rpc " + name + "/" + method.getName();
      if (other == null) {
        problems.add(where + " does not exist in the reference");
        continue;
      }
      check(problems, where, "input type", method.getInputType(), other.getInputType());
      check(problems, where, "output type", method.getOutputType(), other.getOutputType());
      check(
          problems,
          where,
          "client streaming",
          method.getClientStreaming(),
          other.getClientStreaming());
      check(
          problems,
          where,
          "server streaming",
          method.getServerStreaming(),
          other.getServerStreaming());
    }
  }

  private static void check(
      List<String> problems, String where, String what, Object ours, Object reference) {
    if (!Objects.equals(ours, reference)) {
      problems.add(where + ": " + what + " is " + ours + ", the reference has " + reference);
    }
  }

  private static String oneofName(DescriptorProto message, FieldDescriptorProto field) {
    return field.hasOneofIndex() ? message.getOneofDecl(field.getOneofIndex()).getName() : "";
  }

  /** The JSON name protoc would assign when the descriptor does not carry one. */
  static String jsonName(FieldDescriptorProto field) {
    if (field.hasJsonName()) {
      return field.getJsonName();
    }
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : field.getName().toCharArray()) {
      if (c == '_') {
        upper = true;
      } else if (upper) {
        out.append(Character.toUpperCase(c));
        upper = false;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Every message, enum and service of a set of files, by fully qualified name. */
  private static final class Index {
    final Map<String, DescriptorProto> messages = new LinkedHashMap<>();
    final Map<String, EnumDescriptorProto> enums = new LinkedHashMap<>();
    final Map<String, ServiceDescriptorProto> services = new LinkedHashMap<>();

    static Index of(Collection<FileDescriptorProto> files) {
      Index index = new Index();
      for (FileDescriptorProto file : files) {
        String prefix = file.getPackage().isEmpty() ? "." : "." + file.getPackage() + ".";
        file.getMessageTypeList().forEach(m -> index.addMessage(prefix, m));
        file.getEnumTypeList().forEach(e -> index.enums.put(prefix + e.getName(), e));
        file.getServiceList().forEach(s -> index.services.put(prefix + s.getName(), s));
      }
      return index;
    }

    private void addMessage(String prefix, DescriptorProto message) {
      String name = prefix + message.getName();
      messages.put(name, message);
      message.getNestedTypeList().forEach(n -> addMessage(name + ".", n));
      message.getEnumTypeList().forEach(e -> enums.put(name + "." + e.getName(), e));
    }
  }
}
