package cloud.tenki.engine.service;

import io.grpc.HandlerRegistry;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Set;

/**
 * What the engine answers for rpcs it does not serve: UNIMPLEMENTED with a message that says so,
 * both for methods of our services that the local engine lacks and for any other method name.
 */
public final class Unserved {

  /** SandboxService methods the local engine does not serve yet. */
  static final Set<String> CONTROL_PLANE = Set.of();

  private Unserved() {}

  static String message(String fullMethodName) {
    return fullMethodName + " is not served by the local Tenki engine";
  }

  /** The control-plane definition with every unserved method answering UNIMPLEMENTED. */
  public static ServerServiceDefinition maskControlPlane(ServerServiceDefinition def) {
    return mask(def, CONTROL_PLANE);
  }

  /** Replaces the handlers of unserved methods in a service definition. */
  static ServerServiceDefinition mask(ServerServiceDefinition def, Set<String> unserved) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(def.getServiceDescriptor());
    for (ServerMethodDefinition<?, ?> m : def.getMethods()) {
      String bare =
          MethodDescriptor.extractBareMethodName(m.getMethodDescriptor().getFullMethodName());
      if (unserved.contains(bare)) {
        b.addMethod(refuse(m));
      } else {
        b.addMethod(m);
      }
    }
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> refuse(ServerMethodDefinition<Q, R> m) {
    return ServerMethodDefinition.create(m.getMethodDescriptor(), refusingHandler());
  }

  private static <Q, R> ServerCallHandler<Q, R> refusingHandler() {
    return (call, headers) -> {
      call.close(
          Status.UNIMPLEMENTED.withDescription(
              message(call.getMethodDescriptor().getFullMethodName())),
          new Metadata());
      return new ServerCall.Listener<>() {};
    };
  }

  /** A registry that answers every method no service claims. */
  public static HandlerRegistry fallbackRegistry() {
    return new HandlerRegistry() {
      @Override
      public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
        MethodDescriptor<InputStream, InputStream> md =
            MethodDescriptor.<InputStream, InputStream>newBuilder()
                .setType(MethodDescriptor.MethodType.UNKNOWN)
                .setFullMethodName(methodName)
                .setRequestMarshaller(RAW)
                .setResponseMarshaller(RAW)
                .build();
        return ServerMethodDefinition.create(md, refusingHandler());
      }
    };
  }

  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return new ByteArrayInputStream(new byte[0]);
        }
      };
}
