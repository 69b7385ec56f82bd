package cloud.tenki.sandbox.internal.transport;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC channel per endpoint, created on first use and owned by the client: control plane and
 * every data-plane endpoint share this pool, and {@link #close()} shuts them all down.
 */
public final class ChannelPool implements AutoCloseable {
  /** Whole-file reads and big output chunks must fit; the server bounds what it sends anyway. */
  private static final int MAX_INBOUND_MESSAGE = 64 * 1024 * 1024;

  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final String userAgent;
  private volatile boolean closed;

  public ChannelPool(String userAgent) {
    this.userAgent = userAgent;
  }

  /** The channel for {@code endpoint}, created on first use. */
  public ManagedChannel channel(Endpoint endpoint) {
    if (closed) {
      throw new IllegalStateException("client is closed");
    }
    return channels.computeIfAbsent(endpoint.channelKey(), k -> open(endpoint));
  }

  private ManagedChannel open(Endpoint e) {
    switch (e.kind()) {
      case IN_PROCESS:
        return InProcessChannelBuilder.forName(e.host())
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
            .userAgent(userAgent)
            .build();
      case TLS:
      case PLAINTEXT:
        NettyChannelBuilder b =
            NettyChannelBuilder.forAddress(e.host(), e.port())
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
                .userAgent(userAgent)
                .keepAliveTime(60, TimeUnit.SECONDS);
        if (e.kind() == Endpoint.Kind.TLS) {
          b.useTransportSecurity();
        } else {
          b.usePlaintext();
        }
        return b.build();
      default:
        throw new IllegalArgumentException("no channel for endpoint kind " + e.kind());
    }
  }

  @Override
  public void close() {
    closed = true;
    List<ManagedChannel> all = new ArrayList<>(channels.values());
    channels.clear();
    all.forEach(ManagedChannel::shutdown);
    for (ManagedChannel c : all) {
      try {
        if (!c.awaitTermination(2, TimeUnit.SECONDS)) {
          c.shutdownNow();
        }
      } catch (InterruptedException ie) {
        c.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
