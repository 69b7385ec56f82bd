package cloud.tenki.examples.demo;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's data file: a week of hourly temperatures from three sensors, generated the same way
 * every time so the analysis the sandbox prints can be checked against {@link #stats()}.
 */
final class SensorData {
  static final String PATH = "data/readings.csv";
  static final int HOURS = 7 * 24;

  /** name, base temperature, daily swing. */
  private static final Object[][] SENSORS = {{"north", 11, 4}, {"south", 14, 6}, {"roof", 9, 9}};

  /** Mean, minimum and maximum of one sensor. */
  record Stats(double mean, double min, double max) {}

  private SensorData() {}

  /** The CSV text: {@code hour,sensor,celsius}, one row per hour and sensor. */
  static String csv() {
    StringBuilder b = new StringBuilder("hour,sensor,celsius\n");
    for (int h = 0; h < HOURS; h++) {
      for (int i = 0; i < SENSORS.length; i++) {
        b.append(h).append(',').append(SENSORS[i][0]).append(',');
        b.append(String.format(Locale.ROOT, "%.1f", reading(h, i))).append('\n');
      }
    }
    return b.toString();
  }

  /** Per sensor, in file order, computed from the CSV's rounded values. */
  static Map<String, Stats> stats() {
    Map<String, Stats> out = new LinkedHashMap<>();
    for (int i = 0; i < SENSORS.length; i++) {
      double sum = 0;
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (int h = 0; h < HOURS; h++) {
        double v = Double.parseDouble(String.format(Locale.ROOT, "%.1f", reading(h, i)));
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      out.put((String) SENSORS[i][0], new Stats(sum / HOURS, min, max));
    }
    return out;
  }

  /** A daily sine wave peaking mid-afternoon, plus a little deterministic noise. */
  private static double reading(int hour, int sensor) {
    int base = (Integer) SENSORS[sensor][1];
    int swing = (Integer) SENSORS[sensor][2];
    double noise = ((hour * 37 + sensor * 11) % 17 - 8) / 10.0;
    return base + swing * Math.sin(2 * Math.PI * (hour - 9) / 24) + noise;
  }
}
