package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMapsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A value the walker leaves to Jackson. */
  record Port(int number, String protocol) {}

  @Test
  void argumentsBecomeTheSameMapsAsJacksonsConversion() throws Exception {
    JsonNode tree =
        JSON.readTree(
            "{\"command\":\"echo hi\",\"n\":3,\"big\":9000000000,\"huge\":123456789012345678901234,"
                + "\"f\":1.5,\"yes\":true,\"none\":null,\"list\":[1,\"a\",[2.25,{\"k\":false}]],"
                + "\"obj\":{\"nested\":{\"x\":-1}}}");
    Map<String, Object> ours = JsonMaps.toMap(tree);
    Map<String, Object> jackson = JSON.convertValue(tree, new TypeReference<>() {});
    assertThat(ours).isEqualTo(jackson);
    assertThat(ours.keySet()).containsExactlyElementsOf(jackson.keySet());
    assertThat(ours.get("n")).isInstanceOf(Integer.class);
    assertThat(ours.get("big")).isInstanceOf(Long.class);
    assertThat(ours.get("huge")).isInstanceOf(BigInteger.class);
    assertThat(ours.get("f")).isInstanceOf(Double.class);
  }

  @Test
  void resultsBecomeTheSameTreesAsJacksonsConversion() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("exit_code", 0);
    nested.put("duration_ms", 12L);
    nested.put("ratio", 0.5);
    nested.put("missing", null);
    Map<String, Object> structured = new LinkedHashMap<>();
    structured.put("stdout", "hi\n");
    structured.put("timed_out", false);
    structured.put("files", List.of("a", "b"));
    structured.put("detail", nested);
    structured.put("shorts", Arrays.asList((short) 1, null));
    structured.put("port", new Port(8080, "http"));
    assertThat(JsonMaps.toObject(structured, JSON)).isEqualTo(JSON.valueToTree(structured));
  }
}
