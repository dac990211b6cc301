package org.brightchain.net.core.crypto;

import static org.brightchain.net.internal.Checks.notNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Hex;
import org.brightchain.net.spi.SignatureScheme;

/**
 * A node's key pair and the {@link NodeId} derived from it.
 *
 * <p>Created once and kept in a key file ({@link #loadOrCreate(Path)}), so a node keeps its id
 * across restarts. The key file is created readable by its owner only; a node refuses to use a key
 * file that others can read. Its format is two lines of text:
 *
 * <pre>
 * scheme=secp256k1
 * private=&lt;64 hex digits&gt;
 * </pre>
 *
 * <p>Thread-safe. {@link #toString()} never shows the private key.
 */
public final class NodeIdentity {

  /** Name of the key file inside a node's data directory. */
  public static final String KEY_FILE = "node.key";

  private final SignatureScheme scheme;
  private final byte[] privateKey;
  private final byte[] publicKey;
  private final NodeId nodeId;

  private NodeIdentity(SignatureScheme scheme, byte[] privateKey) {
    this.scheme = notNull(scheme, "scheme");
    this.privateKey = privateKey.clone();
    this.publicKey = scheme.publicKey(this.privateKey);
    this.nodeId = NodeId.fromPublicKey(publicKey);
  }

  /** A new random secp256k1 identity. */
  public static NodeIdentity generate() {
    return generate(SignatureSchemes.secp256k1(), new SecureRandom());
  }

  /** A new random identity of {@code scheme}. */
  public static NodeIdentity generate(SignatureScheme scheme, SecureRandom random) {
    return new NodeIdentity(scheme, scheme.generatePrivateKey(random));
  }

  /**
   * The identity of a known private key.
   *
   * @throws IllegalArgumentException if the key is not valid for {@code scheme}
   */
  public static NodeIdentity fromPrivateKey(SignatureScheme scheme, byte[] privateKey) {
    return new NodeIdentity(scheme, notNull(privateKey, "privateKey"));
  }

  /**
   * Loads the identity in {@code keyFile}, creating it (and its directory) with a new secp256k1 key
   * if it does not exist.
   *
   * @throws IOException if the file cannot be read or written, is readable by others than its
   *     owner, or is not a key file
   */
  public static NodeIdentity loadOrCreate(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      NodeIdentity created = generate();
      try {
        created.writeTo(keyFile);
        return created;
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first; use theirs.
      }
    }
    return load(keyFile);
  }

  /**
   * Loads the identity in {@code keyFile}.
   *
   * @throws IOException if the file cannot be read, is readable by others than its owner, or is not
   *     a key file
   */
  public static NodeIdentity load(Path keyFile) throws IOException {
    PosixFileAttributeView posix =
        Files.getFileAttributeView(keyFile, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms = posix.readAttributes().permissions();
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw new IOException(
              "key file "
                  + keyFile
                  + " is accessible by others ("
                  + PosixFilePermissions.toString(perms)
                  + "); run: chmod 600 "
                  + keyFile);
        }
      }
    }
    String scheme = null;
    String key = null;
    for (String line : readText(keyFile).split("\n", -1)) {
      line = line.strip();
      if (line.startsWith("scheme=")) {
        scheme = line.substring("scheme=".length());
      } else if (line.startsWith("private=")) {
        key = line.substring("private=".length());
      }
    }
    if (scheme == null || key == null) {
      throw new IOException("key file " + keyFile + ": expected lines scheme=... and private=...");
    }
    try {
      return fromPrivateKey(SignatureSchemes.byName(scheme), Hex.decode(key));
    } catch (IllegalArgumentException e) {
      throw new IOException("key file " + keyFile + ": " + e.getMessage());
    }
  }

  /** The most bytes a key file may have: a few lines of text. */
  private static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  /** The key file's text; an {@link IOException} naming the file if it is not small UTF-8 text. */
  private static String readText(Path keyFile) throws IOException {
    if (Files.size(keyFile) > MAX_KEY_FILE_BYTES) {
      throw new IOException(
          "key file "
              + keyFile
              + ": not a key file ("
              + Files.size(keyFile)
              + " bytes; expected a few lines of text)");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(keyFile)))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(
          "key file "
              + keyFile
              + ": not a key file (not UTF-8 text; expected lines scheme=... and private=...)");
    }
  }

  /**
   * Writes this identity to a new file readable by its owner only, atomically.
   *
   * @throws FileAlreadyExistsException if the file exists
   */
  public void writeTo(Path keyFile) throws IOException {
    Path dir = keyFile.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(keyFile.getFileName() + ".tmp-" + System.nanoTime());
    boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    if (posix) {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(tmp);
    }
    try {
      String text =
          "# brightchain-net node key: keep it secret. Node id "
              + nodeId
              + "\nscheme="
              + scheme.name()
              + "\nprivate="
              + HexFormat.of().formatHex(privateKey)
              + "\n";
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      if (Files.exists(keyFile)) {
        throw new FileAlreadyExistsException(keyFile.toString());
      }
      Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The node id: SHA-256 of the public key. */
  public NodeId nodeId() {
    return nodeId;
  }

  /** A copy of the compressed public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The signature scheme. */
  public SignatureScheme scheme() {
    return scheme;
  }

  /** Signs {@code message} with this identity's private key. */
  public byte[] sign(byte[] message) {
    return scheme.sign(privateKey, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodeIdentity i
        && nodeId.equals(i.nodeId)
        && Arrays.equals(publicKey, i.publicKey);
  }

  @Override
  public int hashCode() {
    return nodeId.hashCode();
  }

  @Override
  public String toString() {
    return "NodeIdentity[" + scheme.name() + ", " + nodeId + "]";
  }
}
