package cloud.tenki.sandbox.suite;

import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;

/** What the behaviour mix-ins need from the suite: its client and shared sandbox. */
public interface SuiteContext {
  TenkiClient client();

  Sandbox sandbox();
}
