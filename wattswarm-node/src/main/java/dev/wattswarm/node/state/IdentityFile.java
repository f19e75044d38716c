package dev.wattswarm.node.state;

import dev.wattswarm.kernel.crypto.Hashes;
import dev.wattswarm.kernel.identity.KeyPair;
import dev.wattswarm.kernel.identity.NodeId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The node's Ed25519 key in {@code node.key}. Format: a header line, the secret key in hex, and the
 * node id it derives, so a corrupted or swapped file is detected instead of silently yielding a
 * different identity.
 */
public final class IdentityFile {
  static final String HEADER = "wattswarm-node-key v1 ed25519";

  private IdentityFile() {}

  /** Loads the key, creating it (mode 0600) only when no key file exists at all. */
  public static KeyPair loadOrCreate(Path file, SecureRandom random) {
    if (Files.exists(file)) return load(file);
    KeyPair key = KeyPair.generate(random);
    String text = HEADER + "\n" + Hashes.hex(key.secretForStorage()) + "\n" + key.id() + "\n";
    try {
      SecureFiles.createSecret(file, text.getBytes(StandardCharsets.US_ASCII));
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      return load(file);
    } catch (IOException e) {
      throw new StateDirException("cannot create the node key " + file + ": " + e.getMessage()
          + ". Check that the state dir is writable, or pass another --state-dir.", e);
    }
    return key;
  }

  public static KeyPair load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (AccessDeniedException e) {
      throw new StateDirException("the node key " + file + " is not readable by this user. Fix its owner/permissions (it must stay mode 0600).", e);
    } catch (NoSuchFileException e) {
      throw new StateDirException("no node key at " + file + ". Start the node once with `node up` to create one.", e);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new StateDirException("cannot read the node key " + file + ": " + e.getMessage(), e);
    }
    String[] lines = text.strip().split("\n");
    String restore = " Restore node.key from a backup; deleting it gives this state dir a NEW identity.";
    if (lines.length != 3 || !lines[0].equals(HEADER)) {
      throw new StateDirException("the node key " + file + " is corrupt (unexpected format)." + restore);
    }
    byte[] secret;
    try {
      secret = Hashes.unhex(lines[1].trim());
    } catch (IllegalArgumentException e) {
      throw new StateDirException("the node key " + file + " is corrupt (secret is not hex)." + restore);
    }
    if (secret.length != 32) {
      throw new StateDirException("the node key " + file + " is corrupt (secret is " + secret.length + " bytes, expected 32)." + restore);
    }
    KeyPair key = new KeyPair(secret);
    NodeId recorded;
    try {
      recorded = NodeId.parse(lines[2].trim());
    } catch (IllegalArgumentException e) {
      throw new StateDirException("the node key " + file + " is corrupt (node id line: " + e.getMessage() + ")." + restore);
    }
    if (!recorded.equals(key.id())) {
      throw new StateDirException("the node key " + file + " is corrupt: its secret derives " + key.id()
          + " but the file records " + recorded + "." + restore);
    }
    return key;
  }
}
