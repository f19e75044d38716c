package dev.wattswarm.p2p.tcp;

import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A node's TLS certificate: self-signed, its subject key being the node's own Ed25519 key, so the
 * certificate carries the node id and TLS' CertificateVerify proves the peer holds its secret. No
 * CA vouches for anything; the id is the identity. Also converts between the kernel's raw 32-byte
 * keys and {@code java.security} keys (JDK provider).
 */
final class NodeCertificates {
  /** PKCS#8 PrivateKeyInfo for Ed25519 (OID 1.3.101.112), followed by the 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  /** X.509 SubjectPublicKeyInfo for Ed25519, followed by the 32-byte public key. */
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  static final String ED25519_OID = "1.3.101.112";
  /** RFC 5280's "no well-defined expiration" date: identity is the key, not a validity period. */
  private static final Date NO_EXPIRY = new Date(253_402_300_799_000L);
  private static final SecureRandom SERIALS = new SecureRandom();

  private NodeCertificates() {}

  /** The JDK private key for a kernel secret (the 32-byte Ed25519 seed). */
  static PrivateKey privateKey(byte[] seed) {
    if (seed == null || seed.length != 32) throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
    byte[] der = concat(PKCS8_PREFIX, seed);
    try {
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot load an Ed25519 private key", e);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /** The JDK public key for a raw 32-byte Ed25519 key. */
  static PublicKey publicKey(byte[] raw) {
    if (raw == null || raw.length != 32) throw new IllegalArgumentException("Ed25519 public key must be 32 bytes");
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(X509_PREFIX, raw)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot load an Ed25519 public key", e);
    }
  }

  /**
   * The raw 32-byte key inside an Ed25519 public key.
   *
   * @throws CertificateException when the key is not Ed25519
   */
  static byte[] rawEd25519(PublicKey key) throws CertificateException {
    byte[] der = key == null ? null : key.getEncoded();
    if (der == null || der.length != X509_PREFIX.length + 32
        || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new CertificateException("certificate key is " + (key == null ? "missing" : key.getAlgorithm())
          + ", not an Ed25519 node key");
    }
    return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
  }

  /** The node's self-signed certificate. */
  static X509Certificate selfSigned(KeyPair key) {
    byte[] seed = key.secretForStorage();
    try {
      return build(publicKey(key.id().keyBytes()), privateKey(seed), "Ed25519", key.id().toString());
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * A certificate for {@code subjectKey}, signed by {@code signer} with {@code signatureAlgorithm}
   * (a JCA name such as "Ed25519" or "SHA256withECDSA"). Self-signed when {@code signer} belongs
   * to {@code subjectKey}; tests also use it to forge certificates.
   */
  static X509Certificate build(PublicKey subjectKey, PrivateKey signer, String signatureAlgorithm, String commonName) {
    X500Name name = new X500Name("CN=" + commonName.replaceAll("[,+=\"\\\\<>;#]", "_"));
    Date notBefore = new Date(System.currentTimeMillis() - 24L * 3600 * 1000);
    var builder = new X509v3CertificateBuilder(name, new BigInteger(63, SERIALS), notBefore, NO_EXPIRY, name,
        SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
    try {
      byte[] der = builder.build(new JcaContentSignerBuilder(signatureAlgorithm).build(signer)).getEncoded();
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    } catch (OperatorCreationException | java.io.IOException | CertificateException e) {
      throw new IllegalStateException("cannot make a " + signatureAlgorithm + " certificate: " + e.getMessage(), e);
    }
  }

  /**
   * The node id a peer's certificate chain proves, after checking it is exactly one self-signed
   * Ed25519 certificate whose signature verifies. Validity dates are not checked: the node key is
   * the identity, and a self-signed date asserts nothing.
   *
   * @throws CertificateException saying what is wrong
   */
  static NodeId nodeIdOf(java.security.cert.Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length != 1) {
      throw new CertificateException("expected exactly one self-signed node certificate, got "
          + (chain == null ? 0 : chain.length));
    }
    if (!(chain[0] instanceof X509Certificate cert)) {
      throw new CertificateException("peer certificate is not X.509");
    }
    byte[] raw = rawEd25519(cert.getPublicKey());
    if (!ED25519_OID.equals(cert.getSigAlgOID())) {
      throw new CertificateException("node certificate is signed with " + cert.getSigAlgName() + ", not Ed25519");
    }
    try {
      cert.verify(cert.getPublicKey());
    } catch (GeneralSecurityException e) {
      throw new CertificateException("node certificate is not self-signed by its key: " + e.getMessage(), e);
    }
    return new NodeId(raw);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
