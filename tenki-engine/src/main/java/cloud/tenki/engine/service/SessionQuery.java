package cloud.tenki.engine.service;

import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Filtering and paging of session lists. Page tokens are opaque offsets. */
final class SessionQuery {

  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 1000;

  record Page(List<SandboxSession> sessions, String nextToken) {}

  private SessionQuery() {}

  static Page page(
      SessionManager mgr,
      boolean includeTerminated,
      List<String> tags,
      Boolean sticky,
      SessionState state,
      int pageSize,
      String pageToken) {
    if (pageSize < 0) {
      throw Status.INVALID_ARGUMENT
          .withDescription("page_size must not be negative")
          .asRuntimeException();
    }
    int size = pageSize == 0 ? DEFAULT_PAGE : Math.min(pageSize, MAX_PAGE);
    int offset = decode(pageToken);
    List<SandboxSession> all = new ArrayList<>();
    for (Session s : mgr.all()) {
      SandboxSession v = mgr.view(s);
      if (matches(v, includeTerminated, tags, sticky, state)) {
        all.add(v);
      }
    }
    int end = Math.min(all.size(), offset + size);
    List<SandboxSession> page = offset >= all.size() ? List.of() : all.subList(offset, end);
    String next = end < all.size() ? encode(end) : "";
    return new Page(page, next);
  }

  private static boolean matches(
      SandboxSession v,
      boolean includeTerminated,
      List<String> tags,
      Boolean sticky,
      SessionState state) {
    boolean terminated = v.getState() == SessionState.SESSION_STATE_TERMINATED;
    if (state != SessionState.SESSION_STATE_UNSPECIFIED) {
      if (v.getState() != state) {
        return false;
      }
    } else if (terminated && !includeTerminated) {
      return false;
    }
    if (sticky != null && v.getSticky() != sticky) {
      return false;
    }
    for (String t : tags) {
      if (!t.isBlank() && !v.getTagsList().contains(t.trim())) {
        return false;
      }
    }
    return true;
  }

  private static String encode(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (s.startsWith("o:")) {
        int v = Integer.parseInt(s.substring(2));
        if (v >= 0) {
          return v;
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw Status.INVALID_ARGUMENT.withDescription("page_token is not valid").asRuntimeException();
  }
}
