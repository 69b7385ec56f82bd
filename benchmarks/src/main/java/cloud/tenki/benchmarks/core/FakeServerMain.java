package cloud.tenki.benchmarks.core;

import cloud.tenki.sandbox.fake.FakeTenki;
import java.io.IOException;

/**
 * Serves the fake Tenki services over h2c on 127.0.0.1 in its own JVM, so the benchmark JVM's heap
 * holds only the SDK. Prints the endpoint on the first line of stdout and stops when stdin closes.
 */
public final class FakeServerMain {
  private FakeServerMain() {}

  public static void main(String[] args) throws IOException {
    try (FakeTenki fake = FakeTenki.netty()) {
      fake.token = null; // any bearer, like the local engine
      System.out.println(fake.endpoint());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the parent to close our stdin
      }
    }
  }
}
