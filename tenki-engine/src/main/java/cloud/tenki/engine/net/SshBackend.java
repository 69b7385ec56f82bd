package cloud.tenki.engine.net;

import java.io.IOException;
import java.net.Socket;

/**
 * What the SSH WebSocket gateway needs from the SSH side: whether a session can take a connection
 * and a byte stream to an SSH server bound to that session. Implementations are thread-safe.
 */
public interface SshBackend {

  /** 0 when the session can take an SSH connection now, else the refusal's HTTP status. */
  int admit(String sessionId);

  /** Opens a connection to an SSH server whose sessions run in {@code sessionId}'s sandbox. */
  Socket connect(String sessionId) throws IOException;

  /** Forgets a socket from {@link #connect} (call once it is closed). */
  void release(Socket socket);
}
