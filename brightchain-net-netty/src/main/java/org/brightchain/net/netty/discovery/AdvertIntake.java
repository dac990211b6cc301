package org.brightchain.net.netty.discovery;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.brightchain.net.NodeAdvertisement;
import org.brightchain.net.NodeId;
import org.brightchain.net.core.internal.discovery.SignedAdvert;
import org.brightchain.net.core.internal.wire.WireFormatException;

/**
 * What happens to a received advert, without sockets: checks in order of cost (size, decoding, own
 * id, a replay of what was already accepted, the sender's allowance, then the signature), and the
 * table of nodes heard. Every structure is bounded, whatever arrives.
 *
 * <p>Thread-safe: one lock; datagrams arrive on one thread, and reads of the table are rare.
 */
final class AdvertIntake {

  /** A time long past, that {@code now - NEVER} does not overflow. */
  private static final long NEVER = Long.MIN_VALUE / 2;

  private static final class Entry {
    String host;
    int port;
    InetAddress source;
    long timestamp;
    long heardAt;
    long reportedAt;
    long exemptAt = NEVER;
  }

  private final NodeId self;
  private final long intervalMillis;
  private final long timeoutMillis;
  private final Duration maxAge;
  private final IntakeLimits limits;

  /** Insertion order is kept as "least recently heard first": an update re-inserts. */
  private final LinkedHashMap<NodeId, Entry> nodes = new LinkedHashMap<>();

  private final LinkedHashMap<InetAddress, long[]> sources;
  private final long[] counts = new long[AdvertOutcome.values().length];
  private long received;
  private long evicted;
  private long budgetStart = NEVER;
  private int budgetUsed;

  AdvertIntake(NodeId self, Duration interval, Duration nodeTimeout, IntakeLimits limits) {
    this.self = self;
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.timeoutMillis = nodeTimeout.toMillis();
    // Twice the node timeout: an advert is sent every interval, so a fresh one is seconds old;
    // the margin is for clocks that differ between hosts.
    this.maxAge = nodeTimeout.multipliedBy(2);
    this.limits = limits;
    int maxSources = limits.maxSources();
    this.sources =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, long[]> eldest) {
            return size() > maxSources;
          }
        };
  }

  /** The freshness allowed to an advert's timestamp, either way. */
  Duration maxAge() {
    return maxAge;
  }

  /** Counts a datagram too big to read. */
  synchronized AdvertDecision tooBig() {
    received++;
    return count(AdvertOutcome.TOO_BIG);
  }

  /** Decides on one datagram from {@code source} at {@code now} (ms since the epoch). */
  synchronized AdvertDecision accept(InetAddress source, byte[] datagram, long now) {
    received++;
    if (datagram.length > SignedAdvert.MAX_BYTES) {
      return count(AdvertOutcome.TOO_BIG);
    }
    SignedAdvert advert;
    try {
      advert = SignedAdvert.decode(datagram);
    } catch (WireFormatException | RuntimeException e) {
      return count(AdvertOutcome.MALFORMED);
    }
    NodeAdvertisement a = advert.advertisement();
    NodeId id = a.nodeId();
    if (id.equals(self)) {
      return count(AdvertOutcome.OWN);
    }
    Entry known = nodes.get(id);
    if (known != null && advert.timestamp() <= known.timestamp) {
      return count(AdvertOutcome.DUPLICATE);
    }
    if (!allowed(source, known, now)) {
      return count(AdvertOutcome.RATE_LIMITED);
    }
    switch (advert.verify(now, maxAge)) {
      case VALID:
        break;
      case KEY_MISMATCH:
        return count(AdvertOutcome.KEY_MISMATCH);
      case STALE:
        return count(AdvertOutcome.STALE);
      default:
        return count(AdvertOutcome.BAD_SIGNATURE);
    }
    expire(now);
    String host = a.address().isEmpty() ? source.getHostAddress() : a.address();
    Entry e = nodes.get(id);
    boolean isNew = e == null;
    if (isNew) {
      if (nodes.size() >= limits.maxNodes()) {
        // Full: the least recently heard node makes room, unless it was heard this interval too.
        // Nodes that advertise keep their places; a flood of new ids cannot push them out.
        Iterator<Entry> it = nodes.values().iterator();
        if (now - it.next().heardAt < intervalMillis) {
          return count(AdvertOutcome.TABLE_FULL);
        }
        it.remove();
        evicted++;
      }
      e = new Entry();
      e.reportedAt = NEVER;
    }
    counts[AdvertOutcome.ACCEPTED.ordinal()]++;
    nodes.remove(id); // re-inserted last: the table stays in order of last heard
    boolean moved = !host.equals(e.host) || a.port() != e.port;
    e.host = host;
    e.port = a.port();
    e.timestamp = advert.timestamp();
    e.source = source;
    e.heardAt = now;
    nodes.put(id, e);
    Candidate report = null;
    if (moved || now - e.reportedAt >= intervalMillis) {
      e.reportedAt = now;
      report = new Candidate(host, a.port(), id);
    }
    return new AdvertDecision(AdvertOutcome.ACCEPTED, report, isNew);
  }

  /**
   * The source's allowance and the overall budget of this interval; spends one of each. When the
   * budget is spent (a flood from many addresses), a node already in the table still gets one
   * verification per interval from the address it was heard at, so known nodes stay known.
   */
  private boolean allowed(InetAddress source, Entry known, long now) {
    long[] w = sources.get(source);
    if (w == null) {
      w = new long[] {now, 0};
      sources.put(source, w);
    } else if (now - w[0] >= intervalMillis || now < w[0]) {
      w[0] = now;
      w[1] = 0;
    }
    if (w[1] >= limits.perSource()) {
      return false;
    }
    if (now - budgetStart >= intervalMillis || now < budgetStart) {
      budgetStart = now;
      budgetUsed = 0;
    }
    if (budgetUsed >= limits.perInterval()) {
      if (known == null || !source.equals(known.source) || now - known.exemptAt < intervalMillis) {
        return false;
      }
      known.exemptAt = now;
      budgetUsed--; // spent below, but not from the budget
    }
    w[1]++;
    budgetUsed++;
    return true;
  }

  private AdvertDecision count(AdvertOutcome o) {
    counts[o.ordinal()]++;
    return AdvertDecision.plain(o);
  }

  /** Removes the nodes not heard for the node timeout. */
  synchronized void expire(long now) {
    Iterator<Entry> it = nodes.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (now - e.heardAt <= timeoutMillis) {
        break; // least recently heard first: the rest are younger
      }
      it.remove();
    }
  }

  /** The nodes heard within the node timeout, most recently heard first. */
  synchronized List<Sighting> heard(long now) {
    expire(now);
    List<Sighting> out = new ArrayList<>(nodes.size());
    nodes.forEach((id, e) -> out.add(new Sighting(id, e.host, e.port, e.heardAt)));
    Collections.reverse(out);
    return out;
  }

  synchronized int size() {
    return nodes.size();
  }

  synchronized int sourcesTracked() {
    return sources.size();
  }

  /** The receive counters. */
  synchronized IntakeCounts counts() {
    return new IntakeCounts(
        received,
        counts[AdvertOutcome.ACCEPTED.ordinal()],
        counts[AdvertOutcome.TOO_BIG.ordinal()],
        counts[AdvertOutcome.MALFORMED.ordinal()],
        counts[AdvertOutcome.OWN.ordinal()],
        counts[AdvertOutcome.DUPLICATE.ordinal()],
        counts[AdvertOutcome.RATE_LIMITED.ordinal()],
        counts[AdvertOutcome.KEY_MISMATCH.ordinal()],
        counts[AdvertOutcome.BAD_SIGNATURE.ordinal()],
        counts[AdvertOutcome.STALE.ordinal()],
        counts[AdvertOutcome.TABLE_FULL.ordinal()],
        evicted);
  }
}
