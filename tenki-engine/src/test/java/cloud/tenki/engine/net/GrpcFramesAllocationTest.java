package cloud.tenki.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.engine.memory.MemoryBudget;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A gRPC message's 5-byte length prefix arrives before the call is authenticated. If the engine
 * allocated the announced length up front, a few bytes per stream (1024 streams per connection)
 * would make an unauthenticated client reserve gigabytes of the engine's heap.
 */
class GrpcFramesAllocationTest {

  private static final int MAX = 64 * 1024 * 1024;

  private static long allocatedByThisThread() {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    return bean.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private static ByteBuffer prefix(int length) {
    return ByteBuffer.allocate(5).put((byte) 0).putInt(length).flip();
  }

  @Test
  void anAnnouncedLengthAllocatesNothingLikeIt() {
    // warm up: class loading and the first calls allocate on this thread too
    new GrpcFrames(MAX, false, bytes -> true).feed(GrpcFrames.frame(new byte[16]));
    GrpcFrames frames = new GrpcFrames(MAX, false, bytes -> true);
    ByteBuffer claim = prefix(MAX - 1);
    ByteBuffer tenBytes = ByteBuffer.wrap(new byte[10]);
    // nothing but the parser between the two readings (assertion libraries allocate too)
    long before = allocatedByThisThread();
    List<byte[]> first = frames.feed(claim);
    List<byte[]> second = frames.feed(tenBytes);
    long allocated = allocatedByThisThread() - before;
    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
    // announced: 64 MiB; what arrived: 10 bytes
    assertThat(allocated).as("bytes allocated for a 15-byte request").isLessThan(1024 * 1024);
  }

  @Test
  void messagesArrivingInPiecesAreStillWhole() {
    GrpcFrames frames = new GrpcFrames(MAX, false, bytes -> true);
    byte[] payload = new byte[300 * 1024 + 7];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    ByteBuffer all = GrpcFrames.frame(payload);
    List<byte[]> got = new ArrayList<>();
    while (all.hasRemaining()) {
      int n = Math.min(1000, all.remaining());
      ByteBuffer piece = all.slice(all.position(), n);
      all.position(all.position() + n);
      got.addAll(frames.feed(piece));
    }
    assertThat(got).hasSize(1);
    assertThat(got.get(0)).isEqualTo(payload);
    assertThat(frames.atBoundary()).isTrue();
    // an empty message right after
    assertThat(frames.feed(prefix(0))).singleElement().satisfies(m -> assertThat(m).isEmpty());
  }

  @Test
  void aLargeMessageIsNotReadBeforeThereIsRoomForItAndThenArrivesWhole() {
    GrpcFrames frames = new GrpcFrames(MAX, false, bytes -> true);
    byte[] payload = new byte[MemoryBudget.LARGE + 10];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 13);
    }
    ByteBuffer all = GrpcFrames.frame(payload);
    ByteBuffer small = GrpcFrames.frame(new byte[] {1, 2, 3});
    ByteBuffer both = ByteBuffer.allocate(small.remaining() + all.remaining());
    both.put(small).put(all).flip();
    // the small message before it passes; the large one waits right after its header
    assertThat(frames.feed(both)).singleElement().satisfies(m -> assertThat(m).hasSize(3));
    assertThat(frames.awaitingRoom()).isEqualTo(payload.length);
    assertThat(both.remaining()).isEqualTo(payload.length);
    assertThat(frames.feed(both)).isEmpty();
    assertThat(frames.atBoundary()).isFalse();
    frames.admit();
    assertThat(frames.awaitingRoom()).isEqualTo(-1);
    assertThat(frames.feed(both)).singleElement().satisfies(m -> assertThat(m).isEqualTo(payload));
    assertThat(frames.atBoundary()).isTrue();
  }
}
