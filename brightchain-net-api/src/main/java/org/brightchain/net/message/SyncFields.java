package org.brightchain.net.message;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.Base64;

/** Checks of the reconciliation fields of {@link BlockSyncRequest} and {@link MetadataSync}. */
final class SyncFields {
  /** Longest session id. */
  static final int MAX_SESSION = 64;

  /** Longest reconciliation message: 1 MiB of bytes, in base64. */
  static final int MAX_RECONCILE = (1 << 20) / 3 * 4 + 4;

  private SyncFields() {}

  static String session(String s) {
    if (s == null) {
      return "";
    }
    checkArgument(s.length() <= MAX_SESSION, "session: longer than %s characters", MAX_SESSION);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      checkArgument(
          (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || c == '-'
              || c == '_',
          "session: expected letters, digits, '-' or '_'");
    }
    return s;
  }

  static String reconcile(String s) {
    if (s == null) {
      return "";
    }
    checkArgument(
        s.length() <= MAX_RECONCILE, "reconcile: longer than %s characters", MAX_RECONCILE);
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reconcile: not base64 (" + e.getMessage() + ")");
    }
    // Binary peers carry the bytes, so only the one text that writes them back is accepted:
    // padded, unused bits zero. Otherwise a message relayed through protobuf would change (and
    // its signature would no longer verify).
    checkArgument(
        Base64.getEncoder().encodeToString(bytes).equals(s),
        "reconcile: not canonical base64 (expected: padded with '=', unused bits zero)");
    return s;
  }
}
