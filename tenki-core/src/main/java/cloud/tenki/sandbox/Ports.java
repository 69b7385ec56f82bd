package cloud.tenki.sandbox;

final class Ports {
  private Ports() {}

  static int check(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, got " + port);
    }
    return port;
  }
}
