package cloud.tenki.mcp.testing;

import cloud.tenki.mcp.cli.Main;

/**
 * The real command line of the server, serving {@link TestTools} instead of the sandbox toolkit.
 * Tests, the Node clients and the cold-start benchmark launch it as a process, over stdio or with
 * {@code --http}. Test code only.
 */
public final class TestServerMain {

  private TestServerMain() {}

  public static void main(String[] args) {
    System.exit(Main.run(args, config -> new TestTools()));
  }
}
