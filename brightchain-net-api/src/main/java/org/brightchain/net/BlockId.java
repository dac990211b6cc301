package org.brightchain.net;

import static org.brightchain.net.internal.Checks.checkArgument;
import static org.brightchain.net.internal.Checks.notNull;

import java.util.Locale;
import org.brightchain.net.internal.Checks;

/**
 * A block's id: its checksum as lower-case hex, 128 characters (SHA3-512, BrightChain data blocks)
 * or 64 characters (SHA-256).
 *
 * @param hex the lower-case hex checksum
 */
public record BlockId(String hex) implements Comparable<BlockId> {

  /** Validates the id. */
  public BlockId {
    notNull(hex, "hex");
    checkArgument(
        (hex.length() == 128 || hex.length() == 64) && Checks.isLowerHex(hex),
        "blockId: '%s' (expected: 64 or 128 lower-case hex characters)",
        NodeId.abbreviate(hex));
  }

  /** Parses a block id, accepting upper-case hex. */
  public static BlockId of(String hex) {
    return new BlockId(notNull(hex, "hex").toLowerCase(Locale.ROOT));
  }

  /** True if {@code text} is a valid block id in either case. */
  public static boolean isValid(String text) {
    if (text == null || (text.length() != 128 && text.length() != 64)) {
      return false;
    }
    return Checks.isLowerHex(text.toLowerCase(Locale.ROOT));
  }

  @Override
  public int compareTo(BlockId other) {
    return hex.compareTo(other.hex);
  }

  @Override
  public String toString() {
    return hex;
  }
}
