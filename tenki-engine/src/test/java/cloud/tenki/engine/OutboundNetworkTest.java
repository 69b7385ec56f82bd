package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.engine.sandbox.OutboundNetwork;
import cloud.tenki.engine.sandbox.Rootfs;
import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outbound network on request: a sandbox that asks for it reaches the outside (here: a server on
 * the host's external address) but never the host's loopback, where the engine listens; a sandbox
 * that does not ask reaches nothing.
 */
class OutboundNetworkTest {

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void outboundOnlyWhenAskedAndNeverTheHostLoopback(Isolation isolation) throws Exception {
    assumeTrue(OutboundNetwork.available(), "slirp4netns is not installed: outbound not tested");
    Optional<InetAddress> external = externalAddress();
    assumeTrue(external.isPresent(), "the host has no external IPv4 address to test against");
    try (ServerSocket outside = new ServerSocket();
        ServerSocket loopbackOnly = new ServerSocket();
        LocalEngine engine =
            LocalEngine.builder().isolation(isolation).listen("127.0.0.1", 0).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk")) {
      outside.bind(new InetSocketAddress(external.get(), 0));
      loopbackOnly.bind(new InetSocketAddress("127.0.0.1", 0));
      int enginePort = java.net.URI.create(engine.endpoint()).getPort();
      var open = client.create(CreateSessionRequest.newBuilder().setAllowOutbound(true));
      var closed = client.create(CreateSessionRequest.newBuilder().setAllowOutbound(false));
      assertThat(open.created.getSession().getOutboundEnabled()).isTrue();
      assertThat(closed.created.getSession().getOutboundEnabled()).isFalse();
      assertThat(open.readText("/etc/resolv.conf")).contains("nameserver");
      String targets =
          "[('"
              + external.get().getHostAddress()
              + "', "
              + outside.getLocalPort()
              + "), ('10.0.2.2', "
              + loopbackOnly.getLocalPort()
              + "), ('10.0.2.2', "
              + enginePort
              + "), ('127.0.0.1', "
              + enginePort
              + ")]";
      String probe =
          "import socket\n"
              + "for h, p in "
              + targets
              + ":\n"
              + "  s = socket.socket(); s.settimeout(3)\n"
              + "  try:\n    s.connect((h, p)); print('open')\n"
              + "  except OSError:\n    print('closed')\n";
      assertThat(open.run("python3", "-c", probe).out())
          .isEqualTo("open\nclosed\nclosed\nclosed\n");
      assertThat(closed.run("python3", "-c", probe).out())
          .isEqualTo("closed\nclosed\nclosed\nclosed\n");
      // names the host resolves through its hosts file resolve alike with outbound network only
      String hostNames = Rootfs.hostNames(Path.of("/etc/hosts"));
      assertThat(open.readText("/etc/hosts")).endsWith(hostNames);
      if (!hostNames.isEmpty()) {
        String[] first = hostNames.lines().skip(1).findFirst().orElseThrow().split("\t");
        assertThat(open.run("getent", "hosts", first[1]).out()).startsWith(first[0]);
        assertThat(closed.readText("/etc/hosts")).doesNotContain(first[1]);
      }
    }
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!ni.isUp() || ni.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }
}
