package dev.wattswarm.bench;

import dev.wattswarm.kernel.crypto.Ed25519;
import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.testkit.TestEvents;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Ed25519 sign/verify of a 32-byte event id (BouncyCastle, what we use) beside the JDK's own. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBench {
  KeyPair key;
  byte[] message;
  byte[] signature;
  java.security.KeyPair jdkKey;
  byte[] jdkSignature;
  byte[] eventBytes;

  @Setup
  public void setup() throws Exception {
    key = TestEvents.key(11);
    message = Hashes.sha256("an event id".getBytes());
    signature = key.sign(message);
    jdkKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(jdkKey.getPrivate());
    s.update(message);
    jdkSignature = s.sign();
    eventBytes = new byte[400];
  }

  @Benchmark
  public byte[] sign() {
    return key.sign(message);
  }

  @Benchmark
  public boolean verify() {
    return Ed25519.verify(key.id().keyBytes(), message, signature);
  }

  @Benchmark
  public byte[] hashEvent() {
    return Hashes.sha256(eventBytes);
  }

  @Benchmark
  public byte[] baselineJdkSign() throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(jdkKey.getPrivate());
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public boolean baselineJdkVerify() throws Exception {
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(jdkKey.getPublic());
    s.update(message);
    return s.verify(jdkSignature);
  }
}
