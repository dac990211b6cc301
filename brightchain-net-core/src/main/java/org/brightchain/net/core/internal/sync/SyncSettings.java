package org.brightchain.net.core.internal.sync;

import static org.brightchain.net.internal.Checks.checkArgument;

import java.util.OptionalLong;

/**
 * Settings of one {@link Reconciler}.
 *
 * @param frameSizeLimit the largest message this side sends, in bytes; default 64 KiB, at least 4
 *     KiB, at most 1 MiB (the transport's frame limit). Work that does not fit waits for the next
 *     message, which costs rounds.
 * @param maxMessages the longest conversation this side takes part in, counting both directions;
 *     default 64. A peer that keeps it going longer gets a {@link SyncException}.
 * @param salt the salt of the session's checksums, or empty for a fresh random one (default). Only
 *     the initiator's counts; tests fix it to make runs repeatable.
 */
public record SyncSettings(int frameSizeLimit, int maxMessages, OptionalLong salt) {
  /** Default frame size limit: 64 KiB. */
  public static final int DEFAULT_FRAME_SIZE_LIMIT = 64 * 1024;

  /** Smallest frame size limit: 4 KiB. */
  public static final int MIN_FRAME_SIZE_LIMIT = 4 * 1024;

  /** Default conversation length limit. */
  public static final int DEFAULT_MAX_MESSAGES = 64;

  /** Validates. */
  public SyncSettings {
    checkArgument(
        frameSizeLimit >= MIN_FRAME_SIZE_LIMIT && frameSizeLimit <= SyncMessage.MAX_SIZE,
        "frameSizeLimit: %s (expected: 4096 to 1048576)",
        frameSizeLimit);
    checkArgument(maxMessages >= 2, "maxMessages: %s (expected: >= 2)", maxMessages);
    checkArgument(salt != null, "salt: null (expected: a value or empty)");
  }

  /** The defaults: 64 KiB frames, 64 messages, a random salt. */
  public static SyncSettings defaults() {
    return new SyncSettings(DEFAULT_FRAME_SIZE_LIMIT, DEFAULT_MAX_MESSAGES, OptionalLong.empty());
  }

  /** A copy with another frame size limit. */
  public SyncSettings withFrameSizeLimit(int bytes) {
    return new SyncSettings(bytes, maxMessages, salt);
  }

  /** A copy with another conversation length limit. */
  public SyncSettings withMaxMessages(int messages) {
    return new SyncSettings(frameSizeLimit, messages, salt);
  }

  /** A copy with a fixed salt. */
  public SyncSettings withSalt(long value) {
    return new SyncSettings(frameSizeLimit, maxMessages, OptionalLong.of(value));
  }
}
