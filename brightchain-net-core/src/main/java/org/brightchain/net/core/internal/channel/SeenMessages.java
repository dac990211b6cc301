package org.brightchain.net.core.internal.channel;

import com.github.benmanes.caffeine.cache.Cache;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;

/**
 * Ids of the messages this node signed or verified and applied: a copy is recognised by its id and
 * never applied twice while its id is remembered. Bounded; ids expire after twice the replay
 * window. Safe for use from any thread.
 */
public final class SeenMessages {
  /** Message ids remembered (about 100 bytes each). */
  public static final int CAPACITY = 250_000;

  private final Cache<ByteBuffer, Boolean> ids;

  /** Ids remembered for {@code ttl} on {@code clock}. */
  public SeenMessages(Duration ttl, Clock clock) {
    this.ids = Caches.expiring(CAPACITY, ttl, clock);
  }

  /** Whether {@code id} was seen. */
  public boolean contains(ByteBuffer id) {
    return ids.getIfPresent(id) != null;
  }

  /** Records {@code id}; true if it was new (this copy is the first). */
  public boolean add(ByteBuffer id) {
    return ids.asMap().putIfAbsent(id, Boolean.TRUE) == null;
  }
}
