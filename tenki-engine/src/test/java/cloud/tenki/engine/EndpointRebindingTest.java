package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * DNS rebinding against the engine's port: a web page whose host name resolves to 127.0.0.1 makes
 * the browser send same-origin requests, with any bearer the script likes, naming the page's host
 * and origin. A tokenless engine (which accepts any bearer) must refuse them; loopback clients and
 * engines with a token are unaffected.
 */
class EndpointRebindingTest {

  private static final String WHO_AM_I = "/tenki.sandbox.v1.SandboxService/WhoAmI";
  private static final String LIST = "/tenki.sandbox.v1.SandboxService/ListSessions";

  /** One HTTP/1.1 exchange over a plain socket (so Host and Origin are exactly what we say). */
  private static String post(int port, String path, String host, String origin, String bearer)
      throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(30_000);
      String body = "{}";
      StringBuilder req = new StringBuilder();
      req.append("POST ").append(path).append(" HTTP/1.1\r\n");
      req.append("Host: ").append(host).append("\r\n");
      if (origin != null) {
        req.append("Origin: ").append(origin).append("\r\n");
      }
      req.append("Authorization: Bearer ").append(bearer).append("\r\n");
      req.append("Content-Type: application/json\r\n");
      req.append("Content-Length: ").append(body.length()).append("\r\n");
      req.append("Connection: close\r\n\r\n").append(body);
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      in.transferTo(buf);
      return buf.toString(StandardCharsets.UTF_8);
    }
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  @Test
  void aTokenlessEngineRefusesForeignHostsAndOrigins() throws Exception {
    try (LocalEngine engine = LocalEngine.builder().listen("127.0.0.1", 0).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_owner")) {
      client.create();
      int port = Integer.parseInt(engine.endpoint().replaceAll(".*:", ""));
      String rebound = "rebind.attacker.example:" + port;
      // the page's script: its own host and origin, any bearer
      String attack = post(port, LIST, rebound, "http://" + rebound, "anything");
      assertThat(status(attack)).isEqualTo(403);
      assertThat(attack).doesNotContain("sessions");
      // a page on another origin talking to 127.0.0.1 directly
      assertThat(status(post(port, LIST, "127.0.0.1:" + port, "https://evil.example", "x")))
          .isEqualTo(403);
      assertThat(status(post(port, WHO_AM_I, "127.0.0.1:" + port, "null", "x"))).isEqualTo(403);
      // no Origin but a foreign Host (a rebinding client that does not send Origin)
      assertThat(status(post(port, WHO_AM_I, "evil.example", null, "x"))).isEqualTo(403);
      // loopback clients keep working: CLIs without Origin, local dev pages
      String ok = post(port, LIST, "127.0.0.1:" + port, null, "tk_owner");
      assertThat(status(ok)).isEqualTo(200);
      assertThat(ok).contains("sessions");
      assertThat(status(post(port, WHO_AM_I, "localhost:" + port, "http://localhost:3000", "x")))
          .isEqualTo(200);
      assertThat(status(post(port, WHO_AM_I, "[::1]:" + port, "http://127.0.0.1:5173", "x")))
          .isEqualTo(200);
    }
  }

  @Test
  void anEngineWithATokenServesAnyHostNameButOnlyWithTheToken() throws Exception {
    try (LocalEngine engine =
        LocalEngine.builder().token("tk_secret").listen("127.0.0.1", 0).start()) {
      int port = Integer.parseInt(engine.endpoint().replaceAll(".*:", ""));
      // behind a reverse proxy or a DNS name the Host is not loopback; the token guards it
      assertThat(status(post(port, WHO_AM_I, "engine.internal.example", null, "tk_secret")))
          .isEqualTo(200);
      assertThat(status(post(port, WHO_AM_I, "engine.internal.example", null, "tk_guess")))
          .isEqualTo(401);
    }
  }
}
