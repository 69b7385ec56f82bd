package cloud.tenki.sandbox.fake;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TenkiClient#warmUp} sends one listing and changes nothing, and a backend that fails it is
 * left for the first real request to report.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WarmUpTest {
  private final FakeTenki fake = FakeTenki.inProcess();
  private final TenkiClient client =
      TenkiClient.builder().endpoint(fake.endpoint()).token("test-token").build();

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  @Test
  void warmingUpListsOnceAndCreatesNothing() {
    client.warmUp();
    assertThat(fake.calls("ListSessions")).isEqualTo(1);
    assertThat(fake.calls("CreateSession")).isZero();
    assertThat(fake.sessions()).isEmpty();
  }

  @Test
  void aFailureWhileWarmingUpIsNotThrown() {
    fake.failNext("ListSessions", Status.PERMISSION_DENIED.withDescription("not now"), 1);
    client.warmUp();
    assertThat(fake.calls("ListSessions")).isEqualTo(1);
    assertThat(client.sandboxes().list()).isEmpty();
    assertThat(fake.calls("ListSessions")).isEqualTo(2);
  }
}
