package org.brightchain.net.core.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.brightchain.net.NodeId;
import org.brightchain.net.internal.Hex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir Path dir;

  @BeforeEach
  void needsPosixPermissions() {
    assumeTrue(
        Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null,
        "these tests need a POSIX file system");
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private Path ownerOnlyFile(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  @Test
  void loadOrCreateCreatesAKeyFileReadableByItsOwnerOnly() throws IOException {
    Path keyFile = dir.resolve("data").resolve(NodeIdentity.KEY_FILE);

    NodeIdentity created = NodeIdentity.loadOrCreate(keyFile);

    assertTrue(Files.isRegularFile(keyFile));
    assertEquals("rw-------", perms(keyFile));
    String text = Files.readString(keyFile);
    assertTrue(text.contains("scheme=secp256k1"), text);
    assertTrue(text.contains("private="), text);
    try (Stream<Path> files = Files.list(keyFile.getParent())) {
      assertEquals(
          List.of(NodeIdentity.KEY_FILE),
          files.map(p -> p.getFileName().toString()).collect(Collectors.toList()),
          "no temporary file is left behind");
    }
    assertFalse(
        created.toString().contains(text.substring(text.indexOf("private=") + 8).strip()),
        "toString never shows the private key");
  }

  @Test
  void loadingAgainReturnsTheSameIdentity() throws IOException {
    Path keyFile = dir.resolve(NodeIdentity.KEY_FILE);
    NodeIdentity created = NodeIdentity.loadOrCreate(keyFile);

    NodeIdentity loaded = NodeIdentity.loadOrCreate(keyFile);

    assertEquals(created.nodeId(), loaded.nodeId());
    assertArrayEquals(created.publicKey(), loaded.publicKey());
    assertEquals(created, loaded);
    assertEquals(created.nodeId(), NodeIdentity.load(keyFile).nodeId());
    byte[] msg = "sign me".getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(created.sign(msg), loaded.sign(msg), "same private key");
  }

  @Test
  void aNewFileGetsANewIdentity() throws IOException {
    NodeIdentity a = NodeIdentity.loadOrCreate(dir.resolve("a.key"));
    NodeIdentity b = NodeIdentity.loadOrCreate(dir.resolve("b.key"));

    assertNotEquals(a.nodeId(), b.nodeId());
  }

  @Test
  void aKeyFileReadableByOthersIsRefusedWithAChmodHint() throws IOException {
    Path keyFile = dir.resolve(NodeIdentity.KEY_FILE);
    NodeIdentity.loadOrCreate(keyFile);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

    IOException e = assertThrows(IOException.class, () -> NodeIdentity.loadOrCreate(keyFile));

    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
    assertEquals("rw-r--r--", perms(keyFile), "the file is left alone");
  }

  @Test
  void aKeyFileWritableByTheGroupIsRefusedToo() throws IOException {
    Path keyFile = dir.resolve(NodeIdentity.KEY_FILE);
    NodeIdentity.loadOrCreate(keyFile);
    Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw--w----"));

    IOException e = assertThrows(IOException.class, () -> NodeIdentity.load(keyFile));

    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void aFileThatIsNotAKeyFileIsRefused() throws IOException {
    for (String garbage :
        List.of(
            "",
            "hello world\n",
            "scheme=secp256k1\n",
            "private=" + "11".repeat(32) + "\n",
            "scheme=secp256k1\nprivate=zz\n",
            "scheme=secp256k1\nprivate=abc\n",
            "scheme=secp256k1\nprivate=" + "00".repeat(32) + "\n",
            "scheme=secp256k1\nprivate=" + "ff".repeat(32) + "\n",
            "scheme=rsa\nprivate=" + "11".repeat(32) + "\n")) {
      Path p = ownerOnlyFile("garbage.key", garbage);
      IOException e = assertThrows(IOException.class, () -> NodeIdentity.loadOrCreate(p), garbage);
      assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
      assertEquals(garbage, Files.readString(p), "a bad key file is never overwritten");
    }
  }

  @Test
  void aBinaryFileIsRefused() throws IOException {
    Path p = dir.resolve("binary.key");
    Files.write(p, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));

    IOException e = assertThrows(IOException.class, () -> NodeIdentity.loadOrCreate(p));
    // The file and the problem are named (not the decoder's "Input length = 1").
    assertTrue(
        e.getMessage().contains(p.toString()) && e.getMessage().contains("not a key file"),
        e.getMessage());
  }

  @Test
  void theNodeIdIsTheSha256OfTheCompressedPublicKey() throws Exception {
    for (int i = 0; i < 5; i++) {
      NodeIdentity id = NodeIdentity.generate();
      byte[] pub = id.publicKey();
      assertEquals(33, pub.length);

      byte[] hash = MessageDigest.getInstance("SHA-256").digest(pub);

      assertEquals(HexFormat.of().formatHex(hash), id.nodeId().hex());
      assertEquals(NodeId.fromPublicKey(pub), id.nodeId());
    }
  }

  @Test
  void theKnownKeyOneHasTheKnownNodeId() throws Exception {
    byte[] one = new byte[32];
    one[31] = 1;

    NodeIdentity id = NodeIdentity.fromPrivateKey(SignatureSchemes.secp256k1(), one);

    String g = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    assertEquals(g, HexFormat.of().formatHex(id.publicKey()));
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Hex.decode(g))),
        id.nodeId().hex());
  }

  @Test
  void anEd25519IdentitySurvivesTheKeyFile() throws IOException {
    NodeIdentity ed = NodeIdentity.generate(SignatureSchemes.ed25519(), new SecureRandom());
    Path keyFile = dir.resolve("ed.key");

    ed.writeTo(keyFile);
    NodeIdentity loaded = NodeIdentity.load(keyFile);

    assertEquals(ed.nodeId(), loaded.nodeId());
    assertEquals("ed25519", loaded.scheme().name());
    assertEquals("rw-------", perms(keyFile));
  }

  @Test
  void writingOverAnExistingKeyFileIsRefused() throws IOException {
    Path keyFile = dir.resolve(NodeIdentity.KEY_FILE);
    NodeIdentity first = NodeIdentity.loadOrCreate(keyFile);

    assertThrows(FileAlreadyExistsException.class, () -> NodeIdentity.generate().writeTo(keyFile));
    assertEquals(first.nodeId(), NodeIdentity.load(keyFile).nodeId());
  }
}
