package dev.wattswarm.node.state;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes secrets with mode 0600 from the first byte, and other files atomically. */
final class SecureFiles {
  private SecureFiles() {}

  /** Creates {@code file} with mode 0600; fails if it already exists (never overwrite a key). */
  static void createSecret(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, content);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    try {
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(tmp);
      throw e;
    } catch (UnsupportedOperationException | IOException linkUnsupported) {
      if (Files.exists(file)) {
        Files.deleteIfExists(tmp);
        throw new FileAlreadyExistsException(file.toString());
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Files.deleteIfExists(tmp);
  }

  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, content);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
