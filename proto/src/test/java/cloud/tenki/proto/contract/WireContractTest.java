package cloud.tenki.proto.contract;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.SandboxProto;
import cloud.tenki.proto.sandbox.v1.SandboxServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SshGatewayClientProto;
import cloud.tenki.proto.sandbox.v1.TemplateProto;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the wire: the descriptors compiled into our generated Java must match the Tenki API's
 * reference descriptor set (as embedded in the official TypeScript SDK).
 */
class WireContractTest {

  private static List<FileDescriptorProto> reference;

  @BeforeAll
  static void loadReference() throws IOException {
    try (InputStream in =
        WireContractTest.class.getResourceAsStream(
            "/tenki-wire/tenki-sandbox-v1.descriptor-set.pb")) {
      assertThat(in).as("reference descriptor set on the test class path").isNotNull();
      reference = FileDescriptorSet.parseFrom(in).getFileList();
    }
  }

  private static List<FileDescriptorProto> ours() {
    return List.of(
        TemplateProto.getDescriptor().toProto(),
        SandboxProto.getDescriptor().toProto(),
        SshGatewayClientProto.getDescriptor().toProto());
  }

  @Test
  void referenceHoldsTheTenkiSchema() {
    assertThat(reference)
        .extracting(FileDescriptorProto::getName)
        .contains(
            "tenki/sandbox/v1/sandbox.proto",
            "tenki/sandbox/v1/template.proto",
            "tenki/sandbox/v1/ssh_gateway_client.proto");
  }

  @Test
  void ourSchemaMatchesTheReference() {
    assertThat(WireContract.diff(ours(), reference)).isEmpty();
  }

  @Test
  void weDeclareEveryServiceAndRpcTheSdkAndEngineUse() {
    assertThat(SandboxServiceGrpc.getServiceDescriptor().getMethods())
        .extracting(m -> m.getBareMethodName())
        .contains(
            "CreateSession",
            "CreateSessionCredential",
            "GetSession",
            "WaitSession",
            "ListSessions",
            "ListWorkspaceSandboxes",
            "UpdateSession",
            "PauseSession",
            "ResumeSession",
            "TerminateSession",
            "TerminateSessions",
            "ExtendSession",
            "ReportSessionActivity",
            "WhoAmI",
            "CreateVolume",
            "GetVolume",
            "ListVolumes",
            "UpdateVolume",
            "DeleteVolume",
            "ResizeVolume",
            "AttachVolume",
            "DetachVolume",
            "ExposePort",
            "UnexposePort",
            "ListExposedPorts",
            "CreatePreviewUrl",
            "DeletePreviewUrl",
            "BindPreviewUrl",
            "UnbindPreviewUrl",
            "ListPreviewUrls",
            "GetPreviewUrl",
            "UpdateSSHAuthorizedKeys",
            "ExecuteCommand");
    assertThat(SandboxSessionDataPlaneServiceGrpc.getServiceDescriptor().getMethods())
        .extracting(m -> m.getBareMethodName())
        .containsExactlyInAnyOrder(
            "Run",
            "ReadFile",
            "WriteFile",
            "ReadFileStream",
            "WriteFileStream",
            "Stat",
            "Mkdir",
            "Remove",
            "List");
    assertThat(
            cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc.getServiceDescriptor()
                .getMethods())
        .extracting(m -> m.getBareMethodName())
        .containsExactlyInAnyOrder("IssueSandboxSSHCert", "ListActiveSSHGateways");
  }

  // The guard must be able to fail: each mutation below changes one wire fact and must be caught.

  @Test
  void aChangedFieldNumberIsCaught() {
    List<String> problems =
        WireContract.diff(
            mutateMessage("RunStart", m -> withField(m, "timeout_ms", f -> f.setNumber(17))),
            reference);
    assertThat(problems)
        .containsExactly(
            "field .tenki.sandbox.v1.RunStart.timeout_ms: number is 17, the reference has 7");
  }

  @Test
  void aChangedTypeLabelOrOptionalityIsCaught() {
    assertThat(
            WireContract.diff(
                mutateMessage(
                    "RunExit",
                    m ->
                        withField(
                            m, "exit_code", f -> f.setType(FieldDescriptorProto.Type.TYPE_INT64))),
                reference))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("RunExit.exit_code: type is TYPE_INT64");
    assertThat(
            WireContract.diff(
                mutateMessage(
                    "RunStart",
                    m ->
                        withField(
                            m, "cmd", f -> f.setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL))),
                reference))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("RunStart.cmd: label is LABEL_OPTIONAL");
    assertThat(
            WireContract.diff(
                mutateMessage(
                    "CreateSessionRequest",
                    m -> withField(m, "cpu_cores", f -> f.setProto3Optional(false))),
                reference))
        .anySatisfy(p -> assertThat(p).contains("CreateSessionRequest.cpu_cores: proto3 optional"));
  }

  @Test
  void aMissingOrRenamedFieldIsCaught() {
    List<String> problems =
        WireContract.diff(
            mutateMessage(
                "StatResponse",
                m -> {
                  DescriptorProto.Builder b = m.toBuilder();
                  int i = indexOf(m, "is_symlink");
                  b.removeField(i);
                  return withField(b.build(), "symlink_target", f -> f.setName("link_target"));
                }),
            reference);
    assertThat(problems)
        .contains(
            "field .tenki.sandbox.v1.StatResponse.link_target does not exist in the reference",
            "field .tenki.sandbox.v1.StatResponse.is_symlink is missing",
            "field .tenki.sandbox.v1.StatResponse.symlink_target is missing");
  }

  @Test
  void aChangedStreamingKindOrRpcNameIsCaught() {
    List<String> problems =
        WireContract.diff(
            mutateService(
                "SandboxSessionDataPlaneService",
                s -> {
                  ServiceDescriptorProto.Builder b = s.toBuilder();
                  for (MethodDescriptorProto.Builder m : b.getMethodBuilderList()) {
                    if (m.getName().equals("ReadFileStream")) {
                      m.setServerStreaming(false);
                    }
                    if (m.getName().equals("Mkdir")) {
                      m.setName("MakeDir");
                    }
                  }
                  return b.build();
                }),
            reference);
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "rpc .tenki.sandbox.v1.SandboxSessionDataPlaneService/ReadFileStream: server streaming"
                + " is false, the reference has true",
            "rpc .tenki.sandbox.v1.SandboxSessionDataPlaneService/MakeDir does not exist in the"
                + " reference");
  }

  @Test
  void aChangedEnumValueIsCaught() {
    List<FileDescriptorProto> files = new ArrayList<>();
    for (FileDescriptorProto file : ours()) {
      FileDescriptorProto.Builder b = file.toBuilder();
      b.getEnumTypeBuilderList().stream()
          .filter(e -> e.getName().equals("SessionState"))
          .forEach(e -> e.getValueBuilder(2).setNumber(2));
      files.add(b.build());
    }
    assertThat(WireContract.diff(files, reference))
        .containsExactly(
            "enum value .tenki.sandbox.v1.SessionState.SESSION_STATE_RUNNING: number is 2, the"
                + " reference has 3");
  }

  private static List<FileDescriptorProto> mutateMessage(
      String message, UnaryOperator<DescriptorProto> change) {
    List<FileDescriptorProto> files = new ArrayList<>();
    boolean found = false;
    for (FileDescriptorProto file : ours()) {
      FileDescriptorProto.Builder b = file.toBuilder();
      for (int i = 0; i < b.getMessageTypeCount(); i++) {
        if (b.getMessageType(i).getName().equals(message)) {
          b.setMessageType(i, change.apply(b.getMessageType(i)));
          found = true;
        }
      }
      files.add(b.build());
    }
    assertThat(found).as("message %s is declared", message).isTrue();
    return files;
  }

  private static List<FileDescriptorProto> mutateService(
      String service, UnaryOperator<ServiceDescriptorProto> change) {
    List<FileDescriptorProto> files = new ArrayList<>();
    for (FileDescriptorProto file : ours()) {
      FileDescriptorProto.Builder b = file.toBuilder();
      for (int i = 0; i < b.getServiceCount(); i++) {
        if (b.getService(i).getName().equals(service)) {
          b.setService(i, change.apply(b.getService(i)));
        }
      }
      files.add(b.build());
    }
    return files;
  }

  private static DescriptorProto withField(
      DescriptorProto message, String field, UnaryOperator<FieldDescriptorProto.Builder> change) {
    DescriptorProto.Builder b = message.toBuilder();
    int i = indexOf(message, field);
    b.setField(i, change.apply(b.getField(i).toBuilder()));
    return b.build();
  }

  private static int indexOf(DescriptorProto message, String field) {
    for (int i = 0; i < message.getFieldCount(); i++) {
      if (message.getField(i).getName().equals(field)) {
        return i;
      }
    }
    throw new AssertionError(message.getName() + " has no field " + field);
  }
}
