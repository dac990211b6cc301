package org.brightchain.net.core.internal.sync;

import java.util.HashSet;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** Random item sets and a driver that runs a conversation between two reconcilers in memory. */
final class SyncFixtures {
  private SyncFixtures() {}

  static final long BASE = 1_700_000_000_000L;

  /** How timestamps fall: how often items share one, and so need id prefixes in bounds. */
  enum Times {
    /** Milliseconds over 30 days: block metadata as it comes. */
    SPREAD,
    /** Milliseconds over one hour. */
    HOUR,
    /** Whole seconds over one hour: many items share a timestamp. */
    SECONDS,
    /** One timestamp for every item: bounds are id prefixes only. */
    SAME
  }

  static long timestamp(Random r, Times times) {
    switch (times) {
      case SPREAD:
        return BASE + (long) (r.nextDouble() * 30L * 86_400_000L);
      case HOUR:
        return BASE + (long) (r.nextDouble() * 3_600_000L);
      case SECONDS:
        return BASE + 1000L * r.nextInt(3600);
      default:
        return BASE;
    }
  }

  static byte[] id(Random r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return b;
  }

  /** Two sets: {@code common} items in both, then items only in A and only in B. */
  record Pair(SyncStorage a, SyncStorage b, Set<ItemId> onlyA, Set<ItemId> onlyB) {
    int differences() {
      return onlyA.size() + onlyB.size();
    }

    int larger() {
      return Math.max(a.size(), b.size());
    }
  }

  static Pair sets(int common, int onlyA, int onlyB, Times times, long seed) {
    Random r = new Random(seed);
    SyncStorage.Builder a = SyncStorage.builder(common + onlyA);
    SyncStorage.Builder b = SyncStorage.builder(common + onlyB);
    Set<ItemId> inA = new HashSet<>();
    Set<ItemId> inB = new HashSet<>();
    for (int i = 0; i < common; i++) {
      long t = timestamp(r, times);
      byte[] id = id(r);
      a.add(t, id);
      b.add(t, id);
    }
    for (int i = 0; i < onlyA; i++) {
      byte[] id = id(r);
      a.add(timestamp(r, times), id);
      inA.add(ItemId.of(id));
    }
    for (int i = 0; i < onlyB; i++) {
      byte[] id = id(r);
      b.add(timestamp(r, times), id);
      inB.add(ItemId.of(id));
    }
    return new Pair(a.build(), b.build(), inA, inB);
  }

  /**
   * A finished conversation: total bytes both ways, messages, and how many messages the frame limit
   * cut short (a {@code MORE} flag, or the rest of the range set handed back as one fingerprint).
   */
  record Run(Reconciler a, Reconciler b, long bytes, int messages, int capped, int largest) {}

  static Run run(SyncStorage a, SyncStorage b, SyncSettings settings) throws SyncException {
    Reconciler ra = Reconciler.initiator(a, settings);
    Reconciler rb = Reconciler.responder(b, settings);
    byte[] first = ra.initiate();
    long bytes = first.length;
    int messages = 1;
    int capped = 0;
    int largest = first.length;
    Optional<byte[]> msg = Optional.of(first);
    Reconciler next = rb;
    while (msg.isPresent()) {
      msg = next.reconcile(msg.get());
      if (msg.isPresent()) {
        byte[] m = msg.get();
        bytes += m.length;
        messages++;
        largest = Math.max(largest, m.length);
        SyncMessage decoded = SyncMessage.decode(m);
        int last = decoded.entries.size() - 1;
        if (decoded.more || (last >= 0 && decoded.entries.get(last).ref() == 0)) {
          capped++;
        }
      }
      next = next == ra ? rb : ra;
    }
    return new Run(ra, rb, bytes, messages, capped, largest);
  }

  /** The planned number of messages for sets of at most {@code n} items. */
  static int plannedMessages(int n) {
    return Math.max(2, Reconciler.ceilLog16(n) + 1);
  }
}
