package cloud.tenki.engine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * An engine in its own JVM for the cross-process uid tests: starts a root engine on the given state
 * directory and uid range, creates one session with a file in it, prints {@code READY <session id>}
 * and runs until its stdin closes (or until it is killed).
 */
public final class UidChildEngine {

  private UidChildEngine() {}

  /** Arguments: state directory, first uid, uid count. */
  public static void main(String[] args) throws Exception {
    try (LocalEngine engine =
            LocalEngine.builder()
                .isolation(Isolation.BWRAP)
                .stateDir(Path.of(args[0]))
                .sandboxUidBase(Integer.parseInt(args[1]))
                .sandboxUidCount(Integer.parseInt(args[2]))
                .start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_test")) {
      EngineClient.Sandbox sb = client.create();
      sb.write("/home/tenki/child.txt", "written by the child engine");
      System.out.println("READY " + sb.id);
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      while (in.readLine() != null) {
        // wait for the parent to close stdin
      }
    }
  }
}
