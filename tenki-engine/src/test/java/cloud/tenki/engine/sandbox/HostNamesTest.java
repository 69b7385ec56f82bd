package cloud.tenki.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNamesTest {

  @Test
  void onlyEntriesForOtherMachinesAreTaken(@TempDir Path dir) throws Exception {
    Path hosts = dir.resolve("hosts");
    Files.writeString(
        hosts,
        "127.0.0.1 localhost\n"
            + "127.0.1.1\tbuildhost.example buildhost\n"
            + "::1     localhost ip6-localhost ip6-loopback\n"
            + "# a comment\n"
            + "\n"
            + "203.0.113.80  registry.example.org   mirror # the team's mirror\n"
            + "fe00::0 ip6-localnet\n"
            + "10.1.2.3\n");
    assertThat(Rootfs.hostNames(hosts))
        .isEqualTo(
            "# from the host's /etc/hosts\n"
                + "203.0.113.80\tregistry.example.org\tmirror\n"
                + "fe00::0\tip6-localnet\n");
  }

  @Test
  void aMissingFileOrOneWithOnlyLoopbackGivesNothing(@TempDir Path dir) throws Exception {
    assertThat(Rootfs.hostNames(dir.resolve("absent"))).isEmpty();
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n::1 localhost\n");
    assertThat(Rootfs.hostNames(hosts)).isEmpty();
  }
}
