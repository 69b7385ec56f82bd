package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PortToolsTest {
  private static final String TABLES =
      """
        sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
         0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1
         1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2
         2: 0100007F:1F91 0100007F:0BB8 01 00000000:00000000 00:00000000 00000000  1000        0 3
        sl  local_address                         remote_address                        st
         0: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A
         1: 00000000000000000000000001000000:1F93 00000000000000000000000000000000:0000 0A
      """;

  @Test
  void listenersAreFoundInTheKernelsSocketTables() {
    assertThat(PortTools.listening(TABLES, 3000)).isEqualTo(PortTools.Listening.ALL);
    assertThat(PortTools.listening(TABLES, 8080)).isEqualTo(PortTools.Listening.LOOPBACK_ONLY);
    assertThat(PortTools.listening(TABLES, 8081))
        .as("an established connection is not a listener")
        .isEqualTo(PortTools.Listening.NONE);
    assertThat(PortTools.listening(TABLES, 8082)).isEqualTo(PortTools.Listening.ALL);
    assertThat(PortTools.listening(TABLES, 8083)).isEqualTo(PortTools.Listening.LOOPBACK_ONLY);
    assertThat(PortTools.listening(TABLES, 5432)).isEqualTo(PortTools.Listening.NONE);
    assertThat(PortTools.listening("", 80)).isEqualTo(PortTools.Listening.NONE);
  }
}
