package cloud.tenki.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The engines a test starts and the clients it opens, closed after the test in reverse order, even
 * when it fails. Register per test class with {@code @RegisterExtension final Engines engines = new
 * Engines();} (an instance field: one set per test).
 */
final class Engines implements AfterEachCallback {

  private final Deque<AutoCloseable> open = new ArrayDeque<>();

  /** Starts the engine {@code builder} describes; closed after the test. */
  LocalEngine start(LocalEngine.Builder builder) {
    LocalEngine engine = builder.start();
    open.push(engine);
    return engine;
  }

  /** A client of {@code engine} presenting {@code token}; closed after the test, before it. */
  EngineClient client(LocalEngine engine, String token) {
    EngineClient client = new EngineClient(engine.endpoint(), token);
    open.push(client);
    return client;
  }

  /** Anything else the test holds (a directory to delete, a process); closed in the same order. */
  <T extends AutoCloseable> T add(T resource) {
    open.push(resource);
    return resource;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    Exception failure = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
