package cloud.tenki.engine.net;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods the engine serves, by full name ({@code package.Service/Method}), with the message
 * prototypes Connect needs to translate JSON. Immutable.
 */
final class MethodTable {

  /** One method: its streaming kind and request/response prototypes. */
  record Entry(
      MethodDescriptor.MethodType type, Message requestPrototype, Message responsePrototype) {
    boolean unary() {
      return type == MethodDescriptor.MethodType.UNARY;
    }
  }

  private final Map<String, Entry> methods;

  MethodTable(List<ServerServiceDefinition> services) {
    Map<String, Entry> m = new HashMap<>();
    for (ServerServiceDefinition s : services) {
      for (ServerMethodDefinition<?, ?> def : s.getMethods()) {
        MethodDescriptor<?, ?> md = def.getMethodDescriptor();
        Message req = prototype(md.getRequestMarshaller());
        Message resp = prototype(md.getResponseMarshaller());
        if (req != null && resp != null) {
          m.put(md.getFullMethodName(), new Entry(md.getType(), req, resp));
        }
      }
    }
    this.methods = Map.copyOf(m);
  }

  private static Message prototype(MethodDescriptor.Marshaller<?> marshaller) {
    if (marshaller instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message msg) {
      return msg;
    }
    return null;
  }

  /** The method, or null when no service has it. */
  Entry find(String fullMethodName) {
    return methods.get(fullMethodName);
  }
}
