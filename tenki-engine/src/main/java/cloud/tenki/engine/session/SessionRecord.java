package cloud.tenki.engine.session;

import cloud.tenki.proto.sandbox.v1.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The durable facts of one session, as written to its {@code session.properties} file.
 *
 * <p>Not thread-safe: the owning {@link Session} guards it with its own lock.
 */
final class SessionRecord {
  String id;
  String name = "";
  SessionState state = SessionState.SESSION_STATE_CREATING;
  String ownerId = "";
  String ownerType = "";
  String workspaceId = "";
  String projectId = "";
  Instant createdAt;
  Instant readyAt;
  Instant terminatedAt;
  Instant timeoutAt;
  Duration remainingWhilePaused;
  int cpuCores;
  int memoryMb;
  int diskSizeGb;
  Integer idleTimeoutMinutes;
  Instant lastActivityAt;
  Instant pausedAt;
  Duration pauseRetention;
  boolean sticky;
  String terminalError = "";
  String lastResumeError = "";
  int hostUid = -1;
  boolean inbound;
  boolean outboundRequested;
  boolean outbound;
  List<String> tags = new ArrayList<>();
  List<String> sshAuthorizedKeys = new ArrayList<>();
  Map<String, String> metadata = new LinkedHashMap<>();
  Map<String, String> env = new LinkedHashMap<>();

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("name", name);
    p.setProperty("state", state.name());
    p.setProperty("owner_id", ownerId);
    p.setProperty("owner_type", ownerType);
    p.setProperty("workspace_id", workspaceId);
    p.setProperty("project_id", projectId);
    put(p, "created_at", createdAt);
    put(p, "ready_at", readyAt);
    put(p, "terminated_at", terminatedAt);
    put(p, "timeout_at", timeoutAt);
    put(p, "last_activity_at", lastActivityAt);
    put(p, "paused_at", pausedAt);
    if (remainingWhilePaused != null) {
      p.setProperty("remaining_while_paused", remainingWhilePaused.toString());
    }
    if (pauseRetention != null) {
      p.setProperty("pause_retention", pauseRetention.toString());
    }
    if (idleTimeoutMinutes != null) {
      p.setProperty("idle_timeout_minutes", idleTimeoutMinutes.toString());
    }
    p.setProperty("cpu_cores", Integer.toString(cpuCores));
    p.setProperty("memory_mb", Integer.toString(memoryMb));
    p.setProperty("disk_size_gb", Integer.toString(diskSizeGb));
    p.setProperty("sticky", Boolean.toString(sticky));
    p.setProperty("terminal_error", terminalError);
    p.setProperty("last_resume_error", lastResumeError);
    p.setProperty("host_uid", Integer.toString(hostUid));
    p.setProperty("inbound", Boolean.toString(inbound));
    p.setProperty("outbound_requested", Boolean.toString(outboundRequested));
    p.setProperty("outbound", Boolean.toString(outbound));
    for (int i = 0; i < tags.size(); i++) {
      p.setProperty("tag." + i, tags.get(i));
    }
    for (int i = 0; i < sshAuthorizedKeys.size(); i++) {
      p.setProperty("ssh_key." + i, sshAuthorizedKeys.get(i));
    }
    metadata.forEach((k, v) -> p.setProperty("metadata." + k, v));
    env.forEach((k, v) -> p.setProperty("env." + k, v));
    return p;
  }

  static SessionRecord fromProperties(Properties p) {
    SessionRecord r = new SessionRecord();
    r.id = p.getProperty("id");
    r.name = p.getProperty("name", "");
    r.state = SessionState.valueOf(p.getProperty("state"));
    r.ownerId = p.getProperty("owner_id", "");
    r.ownerType = p.getProperty("owner_type", "");
    r.workspaceId = p.getProperty("workspace_id", "");
    r.projectId = p.getProperty("project_id", "");
    r.createdAt = instant(p, "created_at");
    r.readyAt = instant(p, "ready_at");
    r.terminatedAt = instant(p, "terminated_at");
    r.timeoutAt = instant(p, "timeout_at");
    r.lastActivityAt = instant(p, "last_activity_at");
    r.pausedAt = instant(p, "paused_at");
    r.remainingWhilePaused = duration(p, "remaining_while_paused");
    r.pauseRetention = duration(p, "pause_retention");
    String idle = p.getProperty("idle_timeout_minutes");
    r.idleTimeoutMinutes = idle == null ? null : Integer.valueOf(idle);
    r.cpuCores = Integer.parseInt(p.getProperty("cpu_cores", "1"));
    r.memoryMb = Integer.parseInt(p.getProperty("memory_mb", "512"));
    r.diskSizeGb = Integer.parseInt(p.getProperty("disk_size_gb", "1"));
    r.sticky = Boolean.parseBoolean(p.getProperty("sticky"));
    r.terminalError = p.getProperty("terminal_error", "");
    r.lastResumeError = p.getProperty("last_resume_error", "");
    r.hostUid = Integer.parseInt(p.getProperty("host_uid", "-1"));
    r.inbound = Boolean.parseBoolean(p.getProperty("inbound"));
    r.outboundRequested = Boolean.parseBoolean(p.getProperty("outbound_requested"));
    r.outbound = Boolean.parseBoolean(p.getProperty("outbound"));
    for (int i = 0; p.getProperty("tag." + i) != null; i++) {
      r.tags.add(p.getProperty("tag." + i));
    }
    for (int i = 0; p.getProperty("ssh_key." + i) != null; i++) {
      r.sshAuthorizedKeys.add(p.getProperty("ssh_key." + i));
    }
    for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
      if (key.startsWith("metadata.")) {
        r.metadata.put(key.substring(9), p.getProperty(key));
      } else if (key.startsWith("env.")) {
        r.env.put(key.substring(4), p.getProperty(key));
      }
    }
    return r;
  }

  private static void put(Properties p, String key, Instant value) {
    if (value != null) {
      p.setProperty(key, value.toString());
    }
  }

  private static Instant instant(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? null : Instant.parse(v);
  }

  private static Duration duration(Properties p, String key) {
    String v = p.getProperty(key);
    return v == null ? null : Duration.parse(v);
  }
}
