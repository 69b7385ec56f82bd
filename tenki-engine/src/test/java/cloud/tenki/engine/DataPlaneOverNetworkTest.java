package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every data-plane test again, over the network endpoint (h2c from grpc-java's Netty client into
 * the HTTP bridge): streaming both ways, flow control, signals, cancellation and credentials.
 */
class DataPlaneOverNetworkTest extends DataPlaneTest {

  @Override
  LocalEngine newEngine() {
    LocalEngine e = LocalEngine.builder().listen("127.0.0.1", 0).start();
    assertThat(e.endpoint()).startsWith("http://");
    return e;
  }
}
