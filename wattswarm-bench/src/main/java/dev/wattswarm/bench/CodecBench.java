package dev.wattswarm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wattswarm.kernel.codec.EventCodec;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.event.Event;
import dev.wattswarm.kernel.event.EventKind;
import dev.wattswarm.kernel.event.EventSigner;
import dev.wattswarm.kernel.event.EventTypes;
import dev.wattswarm.kernel.event.Scope;
import dev.wattswarm.kernel.json.CanonicalJson;
import dev.wattswarm.testkit.TestEvents;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Canonical binary encode/decode of a typical event, beside the baseline a Java developer would
 * reach for: the same fields as a JSON object through Jackson.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBench {
  Event event;
  byte[] encoded;
  ObjectMapper jackson;
  byte[] json;

  @Setup
  public void setup() throws Exception {
    EventSigner s = TestEvents.signer(7);
    event = s.sign(Scope.GLOBAL, EventKind.EVENTS, EventTypes.NODE_STARTED, "task-123",
        CanonicalJson.object().put("prompt", "summarise the attached report in three bullet points").put("n", 42));
    encoded = event.encoded();
    jackson = new ObjectMapper();
    json = jackson.writeValueAsBytes(asJson());
  }

  private ObjectNode asJson() {
    ObjectNode o = jackson.createObjectNode();
    o.put("id", event.id().hex()).put("network_id", event.networkId()).put("author", event.author().toString())
        .put("scope", event.scope().toString()).put("kind", event.kind().name()).put("type", event.type())
        .put("task_id", event.taskId()).put("clock", event.clock()).put("lane_seq", event.laneSeq())
        .put("prev", event.prev().hex()).put("created_at_ms", event.createdAtMs())
        .put("signature", Hashes.hex(event.signature()));
    o.set("payload", CanonicalJson.parse(event.payload()));
    return o;
  }

  @Benchmark
  public byte[] encode() {
    Event e = event;
    return EventCodec.encodeUnsigned(e.networkId(), e.author(), e.scope(), e.kind(), e.type(), e.taskId(),
        e.clock(), e.laneSeq(), e.prev(), e.createdAtMs(), e.payload());
  }

  @Benchmark
  public Event decode() {
    return EventCodec.decode(encoded);
  }

  @Benchmark
  public byte[] baselineJacksonEncode() throws Exception {
    return jackson.writeValueAsBytes(asJson());
  }

  @Benchmark
  public JsonNode baselineJacksonDecode() throws Exception {
    return jackson.readTree(json);
  }
}
