package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.engine.sandbox.HostSystem;
import cloud.tenki.proto.sandbox.v1.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Volumes end to end on a root engine: the size is a hard limit, attachments mount inside the
 * running sandbox (read-only when asked), data outlives sandboxes and engine restarts, busy
 * detaches need force, and bad sizes and paths are refused naming the field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VolumeTest {

  private static final long MIB = 1024L * 1024;
  private Path state;
  private LocalEngine engine;
  private EngineClient client;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(
        HostSystem.isRoot() && Files.exists(Path.of("/dev/loop-control")),
        "volumes need a root engine with loop devices");
    state = Files.createTempDirectory(Path.of("/tmp"), "tenki-vol-");
    engine = LocalEngine.builder().stateDir(state).start();
    client = new EngineClient(engine.endpoint(), "tk_vol");
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (state != null) {
      cloud.tenki.engine.sandbox.Rootfs.delete(state);
    }
  }

  private Volume create(String name, long size) {
    return client
        .control
        .createVolume(CreateVolumeRequest.newBuilder().setName(name).setSizeBytes(size).build())
        .getVolume();
  }

  private VolumeAttachment attach(EngineClient.Sandbox sb, Volume v, String path, boolean ro) {
    return client
        .control
        .attachVolume(
            AttachVolumeRequest.newBuilder()
                .setSessionId(sb.id)
                .setVolume(
                    VolumeMount.newBuilder()
                        .setVolumeId(v.getId())
                        .setMountPath(path)
                        .setReadonly(ro))
                .build())
        .getAttachment();
  }

  private void detach(EngineClient.Sandbox sb, Volume v, boolean force) {
    client.control.detachVolume(
        DetachVolumeRequest.newBuilder()
            .setSessionId(sb.id)
            .setVolumeId(v.getId())
            .setForceDetach(force)
            .build());
  }

  @Test
  void lifecycleMountsInsideTheRunningSandboxAndEnforcesTheSize() throws Exception {
    var sb = client.create();
    Volume v = create("data", 32 * MIB);
    assertThat(v.getState()).isEqualTo(VolumeState.VOLUME_STATE_AVAILABLE);
    assertThat(client.control.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList())
        .extracting(Volume::getId)
        .contains(v.getId());
    Volume renamed =
        client
            .control
            .updateVolume(
                UpdateVolumeRequest.newBuilder()
                    .setVolumeId(v.getId())
                    .setName("renamed")
                    .addTags("t")
                    .build())
            .getVolume();
    assertThat(renamed.getName()).isEqualTo("renamed");
    assertThat(renamed.getTagsList()).containsExactly("t");

    VolumeAttachment a = attach(sb, v, "/mnt/data", false);
    assertThat(a.getMountPath()).isEqualTo("/mnt/data");
    assertThat(a.getState()).isEqualTo("attached");
    var get =
        client.control.getVolume(GetVolumeRequest.newBuilder().setVolumeId(v.getId()).build());
    assertThat(get.getVolume().getState()).isEqualTo(VolumeState.VOLUME_STATE_IN_USE);
    assertThat(get.getActiveAttachmentsList())
        .extracting(VolumeAttachment::getSessionId)
        .containsExactly(sb.id);

    var w = sb.run("sh", "-c", "echo persisted > /mnt/data/f && id -un && stat -c %U /mnt/data/f");
    assertThat(w.code()).as(w.err()).isZero();
    assertThat(w.out()).isEqualTo("tenki\ntenki\n");
    // the size is a hard limit: the file system is full at 32 MiB
    var fill =
        sb.run(
            "sh",
            "-c",
            "dd if=/dev/zero of=/mnt/data/big bs=1M count=64 2>&1; stat -c %s /mnt/data/big");
    assertThat(fill.out()).contains("No space left on device");
    assertThat(Long.parseLong(fill.out().trim().replaceAll("(?s).*\\n", ""))).isLessThan(32 * MIB);
    // no host path of the image shows inside the sandbox
    assertThat(sb.readText("/proc/self/mountinfo"))
        .doesNotContain(v.getId())
        .doesNotContain("disk.img");

    // grows while mounted
    sb.run("rm", "/mnt/data/big");
    Volume grown =
        client
            .control
            .resizeVolume(
                ResizeVolumeRequest.newBuilder()
                    .setVolumeId(v.getId())
                    .setNewSizeBytes(64 * MIB)
                    .build())
            .getVolume();
    assertThat(grown.getSizeBytes()).isEqualTo(64 * MIB);
    // the file system grows online where the host grants CAP_SYS_RESOURCE, else at its next mount
    var df = sb.run("sh", "-c", "df -B1M --output=size /mnt/data | tail -1");
    assertThat(Long.parseLong(df.out().trim())).isBetween(25L, 64L);
    assertThatThrownBy(
            () ->
                client.control.resizeVolume(
                    ResizeVolumeRequest.newBuilder()
                        .setVolumeId(v.getId())
                        .setNewSizeBytes(20 * MIB)
                        .build()))
        .hasMessageContaining("FAILED_PRECONDITION");
    assertThatThrownBy(
            () ->
                client.control.deleteVolume(
                    DeleteVolumeRequest.newBuilder().setVolumeId(v.getId()).build()))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("attached");

    detach(sb, v, false);
    assertThat(sb.stat("/mnt/data/f").getExists()).isFalse();
    // the data is on the volume, not in the sandbox: another sandbox sees it read-only
    var other = client.create();
    attach(other, v, "/srv/ro", true);
    assertThat(other.readText("/srv/ro/f")).isEqualTo("persisted\n");
    var dfRo = other.run("sh", "-c", "df -B1M --output=size /srv/ro | tail -1");
    assertThat(Long.parseLong(dfRo.out().trim())).isBetween(55L, 64L);
    var ro = other.run("sh", "-c", "echo x > /srv/ro/g");
    assertThat(ro.code()).isNotZero();
    assertThat(ro.err()).contains("Read-only file system");
    detach(other, v, false);
    // shrinks when detached
    assertThat(
            client
                .control
                .resizeVolume(
                    ResizeVolumeRequest.newBuilder()
                        .setVolumeId(v.getId())
                        .setNewSizeBytes(24 * MIB)
                        .build())
                .getVolume()
                .getSizeBytes())
        .isEqualTo(24 * MIB);
    client.control.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getId()).build());
    assertThatThrownBy(
            () ->
                client.control.getVolume(
                    GetVolumeRequest.newBuilder().setVolumeId(v.getId()).build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void busyVolumesNeedForceToDetach() throws Exception {
    var sb = client.create();
    Volume v = create("busy", 16 * MIB);
    attach(sb, v, "/home/tenki/work", false);
    var start =
        RunStart.newBuilder()
            .addCmd("sh")
            .addCmd("-c")
            .addCmd("(cd /home/tenki/work && exec sleep 600) &");
    sb.run(start, null);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!sb.run("pgrep", "-x", "sleep").out().trim().matches("\\d+")
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThatThrownBy(() -> detach(sb, v, false))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("force_detach");
    detach(sb, v, true);
    assertThat(
            client
                .control
                .getVolume(GetVolumeRequest.newBuilder().setVolumeId(v.getId()).build())
                .getActiveAttachmentsCount())
        .isZero();
    client.control.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getId()).build());
  }

  @Test
  void aSandboxCannotSteerPrivilegedMountStepsOutOfItself() throws Exception {
    var sb = client.create();
    Volume v = create("steer", 16 * MIB);
    String marker = "/tmp/tenki-pwned-" + sb.id;
    // programs the engine might run as root, planted where the sandbox's /bin points
    String evil = "#!/usr/bin/dash\necho \"$(id -u)\" > " + marker + "\n";
    var plant =
        sb.run(
            "sh",
            "-c",
            "mkdir -p /home/tenki/evil && for p in sh mount umount chown stat mkdir; do"
                + " printf '%s' \"$1\" > /home/tenki/evil/$p; chmod +x /home/tenki/evil/$p; done"
                + " && ln -s /etc /home/tenki/hostetc && ln -sfn /home/tenki/evil /bin.new"
                + " && mv -T /bin.new /bin",
            "x",
            evil);
    assertThat(plant.code()).as(plant.err()).isZero();
    // an absolute symlink as mount point leads outside the sandbox's namespace: refused
    assertThatThrownBy(() -> attach(sb, v, "/home/tenki/hostetc", false))
        .hasMessageContaining("UNAVAILABLE");
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(" /etc ");
    // a normal attach works and runs none of the planted programs as root
    attach(sb, v, "/home/tenki/vol", false);
    detach(sb, v, false);
    assertThat(Files.exists(Path.of(marker))).as("host marker").isFalse();
    var inside = sb.run("/usr/bin/cat", marker);
    assertThat(inside.out().trim()).as("marker written as root inside").isNotEqualTo("0");
    client.control.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getId()).build());
  }

  @Test
  void outOfRangeSizesAndBadPathsNameTheField() {
    for (long bad : new long[] {0, -1, 1024, 1L << 62}) {
      assertThatThrownBy(() -> create("bad", bad))
          .hasMessageContaining("INVALID_ARGUMENT")
          .hasMessageContaining("size_bytes");
    }
    Volume v = create("paths", 16 * MIB);
    assertThatThrownBy(
            () ->
                client.control.resizeVolume(
                    ResizeVolumeRequest.newBuilder()
                        .setVolumeId(v.getId())
                        .setNewSizeBytes(5)
                        .build()))
        .hasMessageContaining("new_size_bytes");
    var sb = client.create();
    for (String path :
        new String[] {"relative", "/", "/proc/x", "/usr/local/v", "/mnt/../etc", "/etc"}) {
      assertThatThrownBy(() -> attach(sb, v, path, false))
          .as(path)
          .hasMessageContaining("INVALID_ARGUMENT")
          .hasMessageContaining("mount_path");
    }
    assertThatThrownBy(() -> create("", 16 * MIB)).hasMessageContaining("name");
    client.control.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(v.getId()).build());
  }

  @Test
  void dataSurvivesAnEngineRestartAndCreateMountsRequestedVolumes() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "tenki-vol-restart-");
    try {
      String sessionId;
      String volumeId;
      try (LocalEngine first = LocalEngine.builder().stateDir(dir).start();
          EngineClient c = new EngineClient(first.endpoint(), "tk")) {
        volumeId =
            c.control
                .createVolume(
                    CreateVolumeRequest.newBuilder().setName("keep").setSizeBytes(16 * MIB).build())
                .getVolume()
                .getId();
        var sb =
            c.create(
                CreateSessionRequest.newBuilder()
                    .addVolumes(
                        VolumeMount.newBuilder().setVolumeId(volumeId).setMountPath("/data")));
        sessionId = sb.id;
        var w = sb.run("sh", "-c", "echo across-restarts > /data/note");
        assertThat(w.code()).as(w.err()).isZero();
      }
      try (LocalEngine second = LocalEngine.builder().stateDir(dir).start();
          EngineClient c = new EngineClient(second.endpoint(), "tk")) {
        assertThat(
                c.control
                    .getVolume(GetVolumeRequest.newBuilder().setVolumeId(volumeId).build())
                    .getActiveAttachmentsList())
            .extracting(VolumeAttachment::getSessionId)
            .containsExactly(sessionId);
        c.control.resumeSession(ResumeSessionRequest.newBuilder().setSessionId(sessionId).build());
        var cred =
            c.control.createSessionCredential(
                CreateSessionCredentialRequest.newBuilder().setSessionId(sessionId).build());
        var sb =
            c
            .new Sandbox(
                CreateSessionResponse.newBuilder()
                    .setSession(SandboxSession.newBuilder().setId(sessionId))
                    .setCredential(cred.getCredential())
                    .build());
        assertThat(sb.readText("/data/note")).isEqualTo("across-restarts\n");
        sb.terminate();
        assertThat(c.control.listVolumes(ListVolumesRequest.getDefaultInstance()).getVolumesList())
            .extracting(Volume::getId)
            .contains(volumeId);
      }
    } finally {
      cloud.tenki.engine.sandbox.Rootfs.delete(dir);
    }
  }
}
