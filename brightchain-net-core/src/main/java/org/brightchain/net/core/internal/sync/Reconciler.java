package org.brightchain.net.core.internal.sync;

import static org.brightchain.net.internal.Checks.notNull;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.brightchain.net.core.internal.sync.SyncMessage.ChildBound;
import org.brightchain.net.core.internal.sync.SyncMessage.Claim;
import org.brightchain.net.core.internal.sync.SyncMessage.Entry;
import org.brightchain.net.core.internal.sync.SyncMessage.Fingerprint;
import org.brightchain.net.core.internal.sync.SyncMessage.Header;
import org.brightchain.net.core.internal.sync.SyncMessage.IdList;
import org.brightchain.net.core.internal.sync.SyncMessage.Indexes;
import org.brightchain.net.core.internal.sync.SyncMessage.ShortList;
import org.brightchain.net.core.internal.sync.SyncMessage.Skip;
import org.brightchain.net.core.internal.sync.SyncMessage.Split;

/**
 * One side of one reconciliation: range-based set reconciliation after Negentropy, so that two
 * sides learn which items each lacks with traffic proportional to the number of differences.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Reconciler a = Reconciler.initiator(storageA);
 * Reconciler b = Reconciler.responder(storageB);
 * Optional<byte[]> msg = Optional.of(a.initiate());
 * Reconciler next = b;
 * while (msg.isPresent()) {          // the transport carries each message to the other side
 *   msg = next.reconcile(msg.get());
 *   next = next == a ? b : a;
 * }
 * a.have();  // ids a has and b lacks: push those
 * a.need();  // ids b has and a lacks: pull those
 * }</pre>
 *
 * <p>Each side answers every message until one side has nothing to say; {@link #reconcile} then
 * returns empty, and {@link #isComplete()} is true on both sides. At that point both sides know the
 * whole difference: {@code a.have() == b.need()} and {@code a.need() == b.have()}. Each side then
 * checks the result against the fingerprint the other sent at the start (SHA-256 over the sum of
 * ids and the count, as Negentropy): its own sum minus {@code have} plus {@code need} must give the
 * other's, or {@link #reconcile} throws.
 *
 * <h2>How</h2>
 *
 * <p>Both sides sort their items by (timestamp, id). A message is a list of ranges of that order,
 * each with a mode: a fingerprint of the sender's items in the range (count and 32-bit checksum),
 * the same cut into parts of equal count (a split), the sender's ids (full, or 4-byte short ids),
 * the positions in the receiver's list of what the sender lacks, or a claim (the items the receiver
 * lacks in the range); and, apart, ids the receiver lacks. A side answers a fingerprint that
 * differs from its own by, in order:
 *
 * <ol>
 *   <li>claiming the one to three items that explain the difference, when it has that many more:
 *       the checksum is a sum of item hashes, so finding them is a scan, whatever the size of the
 *       range; the claim carries them in full and 14 more bits of checksum, which the other side
 *       checks before taking them (it answers a claim it refuses with its fingerprint);
 *   <li>handing back its own fingerprint when the other side has one to three items more and is
 *       likely to take them out that way;
 *   <li>a short list when the range is small or time is short (the other side then sends what this
 *       side lacks and asks, by position, for what it lacks), a full list when only one message is
 *       left;
 *   <li>else a split, into as many parts as an estimate of the cost says.
 * </ol>
 *
 * <p>The length of the conversation is planned: with {@code N} the larger set, it ends within
 * {@code max(2, ceil(log16 N) + 1)} messages, unless the frame limit holds work back (or, rarely, a
 * claim is refused). The first split is as wide as fits in about 1.9 KB (up to 512 parts of at
 * least 4 items), so that most differences sit alone in a part and are claimed at once, and the
 * parts that must be listed later are small. See {@code docs/sync.md}, "Reconciliation", for the
 * format and the measured bounds.
 *
 * <p>Not safe for concurrent use: one conversation, one thread at a time. The storage may be
 * shared.
 */
public final class Reconciler {
  /** Parts of a split, past the first. */
  static final int BRANCHING = 16;

  /** Parts of the first split, at most (the size budget usually stops it first). */
  static final int FIRST_PARTS = 512;

  /** Items per part of the first split, at least. */
  static final int FIRST_PART_SIZE = 4;

  /** Size of the first message, at most, if it splits: most of the 2 KB allowance. */
  static final int FIRST_BUDGET = 1900;

  /** Size of the ranges that the last split aims at. */
  static final int SHORT_LIST_MAX = 16;

  /** Largest range scanned for three missing items (all pairs). */
  static final int PEEL3_MAX = 64;

  /** Ranges of at most this many items are answered with a short list rather than split. */
  static final int SMALL = 32;

  /** What a unit of a sent message was, for reading the answer to it. */
  private static final byte U_SKIP = 0;

  private static final byte U_OPEN = 1;
  private static final byte U_ID_LIST = 3;
  private static final byte U_SHORT_LIST = 4;
  private static final byte U_INDEXES = 5;
  private static final byte U_CLAIM = 6;

  private final SyncStorage storage;
  private final boolean initiator;
  private final SyncSettings settings;
  private final int n;

  private long salt;
  private long[] hashPrefix;
  private long otherCount = -1;
  private byte[] otherFingerprint;

  private int messages;
  private int sent;
  private long bytesSent;
  private long bytesReceived;
  private boolean started;
  private boolean complete;
  private boolean otherHasMore;

  /** A message fell back to one fingerprint for the rest (frame limit): plans no longer hold. */
  private boolean overflowed;

  /** Upper bounds and kinds of the units of the last message this side sent. */
  private Bound[] unitBounds = new Bound[0];

  private byte[] unitKinds = new byte[0];

  /** For each unit of the last message sent that was a claim, the items claimed. */
  private int[][] unitClaims = new int[0][];

  /** Indexes of items to send in full, in order. */
  private int[] queue = new int[16];

  private int queueHead;
  private int queueTail;

  private final Set<ItemId> have = new LinkedHashSet<>();
  private final Set<ItemId> need = new LinkedHashSet<>();

  private Reconciler(SyncStorage storage, boolean initiator, SyncSettings settings) {
    this.storage = notNull(storage, "storage");
    this.initiator = initiator;
    this.settings = notNull(settings, "settings");
    this.n = storage.size();
  }

  /** The side that sends the first message, with default settings. */
  public static Reconciler initiator(SyncStorage storage) {
    return new Reconciler(storage, true, SyncSettings.defaults());
  }

  /** The side that sends the first message. */
  public static Reconciler initiator(SyncStorage storage, SyncSettings settings) {
    return new Reconciler(storage, true, settings);
  }

  /** The side that answers the first message, with default settings. */
  public static Reconciler responder(SyncStorage storage) {
    return new Reconciler(storage, false, SyncSettings.defaults());
  }

  /** The side that answers the first message. */
  public static Reconciler responder(SyncStorage storage, SyncSettings settings) {
    return new Reconciler(storage, false, settings);
  }

  /**
   * The first message. Only the initiator calls this, once.
   *
   * @throws IllegalStateException on the responder, or a second time
   */
  public byte[] initiate() {
    if (!initiator || started) {
      throw new IllegalStateException(initiator ? "already initiated" : "the responder answers");
    }
    started = true;
    long salt = settings.salt().orElseGet(() -> new SecureRandom().nextLong());
    hashes(salt);
    Header header = new Header(true, salt, n, storage.fingerprint());
    Out out = new Out(header);
    int r = deadline() - 1;
    Pending first;
    if (n == 0 || r <= 1) {
      first = idList(0, n);
    } else if (r == 2) {
      first = shortList(0, n);
    } else {
      // As wide as the opening allowance bears: most differences then sit alone in their part,
      // where a scan takes them out without further splitting. Should it be narrower than the
      // plan wants, later splits are wider.
      int parts = Math.min(FIRST_PARTS, ceilDiv(n, FIRST_PART_SIZE));
      int budget = FIRST_BUDGET - out.size;
      first = split(0, n, Bound.ZERO, Bound.INFINITY, parts);
      for (int i = 0; i < 4 && first.entry.size() > budget && parts > BRANCHING; i++) {
        parts = Math.max(BRANCHING, (int) ((long) parts * budget / first.entry.size()) - 1);
        first = split(0, n, Bound.ZERO, Bound.INFINITY, parts);
      }
    }
    out.infinity(first);
    try {
      return send(out);
    } catch (SyncException e) {
      throw new IllegalStateException(e); // a first message never completes a conversation
    }
  }

  /**
   * Reads the other side's message and returns the answer, or empty when the conversation is over.
   *
   * @throws SyncException if the message is malformed or does not fit the conversation (also: it
   *     comes after the conversation ended), the conversation exceeds {@link
   *     SyncSettings#maxMessages()}, or the result does not match the other side's fingerprint (a
   *     checksum collision: run again, which picks another salt)
   * @throws IllegalStateException if the initiator has not begun
   */
  public Optional<byte[]> reconcile(byte[] message) throws SyncException {
    notNull(message, "message");
    if (complete) {
      throw new SyncException("sync message after the conversation ended");
    }
    if (initiator && !started) {
      throw new IllegalStateException("call initiate() first");
    }
    started = true;
    messages++;
    bytesReceived += message.length;
    if (messages > settings.maxMessages()) {
      throw new SyncException("sync conversation exceeds " + settings.maxMessages() + " messages");
    }
    SyncMessage m = SyncMessage.decode(message);
    boolean opening = otherFingerprint == null;
    readHeader(m.header);
    if (!opening && !m.entries.isEmpty() && m.entries.get(m.entries.size() - 1).ref() == 0) {
      overflowed = true;
    }
    otherHasMore = m.more;
    for (int i = 0; i < m.idCount(); i++) {
      need.add(ItemId.copyOf(m.ids, i * ItemId.LENGTH));
    }
    List<Work> work = walk(m);
    Out out = new Out(sent == 0 ? new Header(false, 0, n, storage.fingerprint()) : null);
    answer(work, out);
    boolean mustAnswer = otherHasMore || queueSize() > 0 || out.open;
    for (Work w : work) {
      mustAnswer |= w.kind != Work.SKIP && w.kind != Work.INDEXES && w.kind != Work.CLAIM;
    }
    if (!mustAnswer) {
      finish();
      return Optional.empty();
    }
    return Optional.of(send(out));
  }

  /** True once this side needs nothing more and owes nothing more. */
  public boolean isComplete() {
    return complete;
  }

  /** Ids of items this side has and the other lacks (complete once {@link #isComplete()}). */
  public Set<ItemId> have() {
    return Collections.unmodifiableSet(have);
  }

  /** Ids of items the other side has and this side lacks (complete once {@link #isComplete()}). */
  public Set<ItemId> need() {
    return Collections.unmodifiableSet(need);
  }

  /** Messages this side has sent. */
  public int messagesSent() {
    return sent;
  }

  /** Messages of the conversation so far, both directions. */
  public int messages() {
    return messages;
  }

  /** Bytes this side has sent. */
  public long bytesSent() {
    return bytesSent;
  }

  /** Bytes this side has received. */
  public long bytesReceived() {
    return bytesReceived;
  }

  // ------------------------------------------------------------------------------ plumbing

  private void readHeader(Header h) throws SyncException {
    boolean first = otherFingerprint == null;
    if (first != (h != null)) {
      throw new SyncException(
          first ? "sync message lacks the opening header" : "sync message repeats the header");
    }
    if (!first) {
      return;
    }
    if (h.hasSalt() == initiator) {
      throw new SyncException(
          initiator ? "the responder must not choose a salt" : "the opening message lacks a salt");
    }
    if (!initiator) {
      hashes(h.salt());
    }
    otherCount = h.count();
    otherFingerprint = h.fingerprint();
  }

  /** Prefix sums of the salted item hashes: the session's checksums. */
  private void hashes(long salt) {
    this.salt = salt;
    long[] p = new long[n + 1];
    for (int i = 0; i < n; i++) {
      p[i + 1] =
          p[i]
              + hash(
                  salt,
                  storage.word(i, 0),
                  storage.word(i, 1),
                  storage.word(i, 2),
                  storage.word(i, 3));
    }
    hashPrefix = p;
  }

  /**
   * H(salt, id): the id as four big-endian 64-bit words, folded through MurmurHash3's 64-bit
   * finaliser. Checksums are sums of H (the low 32 bits are sent); short ids are its high 32 bits.
   */
  static long hash(long salt, long w0, long w1, long w2, long w3) {
    long x = salt ^ 0x9E3779B97F4A7C15L;
    x = fmix(x ^ w0);
    x = fmix(x ^ w1);
    x = fmix(x ^ w2);
    return fmix(x ^ w3);
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private long h(int i) {
    return hashPrefix[i + 1] - hashPrefix[i];
  }

  private long checksum(int lo, int hi) {
    return hashPrefix[hi] - hashPrefix[lo];
  }

  /** The planned length of the conversation: {@code max(2, ceil(log16 N) + 1)}. */
  int deadline() {
    long big = Math.max(n, otherCount);
    return Math.max(2, ceilLog16(big) + 1);
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  static int ceilLog16(long x) {
    int k = 0;
    long p = 1;
    while (p < x) {
      p <<= 4;
      k++;
    }
    return k;
  }

  private byte[] send(Out out) throws SyncException {
    while (queueSize() > 0 && out.room() >= ItemId.LENGTH) {
      out.ids.add(queue[queueHead++]);
    }
    boolean more = queueSize() > 0;
    SyncMessage msg = out.message(more, this);
    byte[] bytes = msg.encode();
    messages++;
    sent++;
    bytesSent += bytes.length;
    unitBounds = out.unitBounds.toArray(new Bound[0]);
    unitKinds = Arrays.copyOf(out.unitKinds, out.unitCount);
    unitClaims = out.claims.toArray(new int[0][]);
    if (!(out.open || out.answersShortList || more || otherHasMore)) {
      finish();
    }
    return bytes;
  }

  private void finish() throws SyncException {
    complete = true;
    long[] sum = new long[4];
    storage.idSum(0, n, sum);
    long[] w = new long[4];
    for (ItemId id : have) {
      words(id, w);
      Sum256.sub(sum, w, 0);
    }
    for (ItemId id : need) {
      words(id, w);
      Sum256.add(sum, w, 0);
    }
    long count = (long) n - have.size() + need.size();
    if (!Arrays.equals(SyncStorage.fingerprint(sum, count), otherFingerprint)) {
      throw new SyncException(
          "sync result does not match the peer's fingerprint (checksum collision); run again");
    }
  }

  private static void words(ItemId id, long[] out) {
    byte[] b = id.raw();
    for (int k = 0; k < 4; k++) {
      out[k] = (long) SyncStorage.LITTLE_ENDIAN.get(b, 8 * k);
    }
  }

  private int queueSize() {
    return queueTail - queueHead;
  }

  /** Records that the other side lacks item {@code i}; queues it to be sent if {@code send}. */
  private void addHave(int i, boolean send) {
    if (have.add(storage.id(i)) && send) {
      if (queueTail == queue.length) {
        if (queueHead > 0) {
          System.arraycopy(queue, queueHead, queue, 0, queueTail - queueHead);
          queueTail -= queueHead;
          queueHead = 0;
        }
        if (queueTail == queue.length) {
          queue = Arrays.copyOf(queue, queue.length * 2);
        }
      }
      queue[queueTail++] = i;
    }
  }

  // ------------------------------------------------------------------------------ reading

  /** One unit of a received message, located in this side's storage. */
  private static final class Work {
    static final int SKIP = 0;
    static final int COMPARE = 1;
    static final int ID_LIST = 2;
    static final int SHORT_LIST = 3;
    static final int INDEXES = 4;
    static final int CLAIM = 5;

    int kind;
    Bound lower;
    Bound upper;
    int lo;
    int hi;
    long count;
    int checksum;
    Entry entry;
    byte myKind;

    /** The other side refused what this side claimed for the range: no scan this time. */
    boolean noPeel;
  }

  private List<Work> walk(SyncMessage m) throws SyncException {
    List<Work> work = new ArrayList<>(m.entries.size());
    Bound lower = Bound.ZERO;
    int lo = 0;
    int pos = 0;
    for (Entry e : m.entries) {
      Bound upper;
      int from = pos;
      if (e.ref() == 0) {
        upper = Bound.INFINITY;
        pos = unitBounds.length;
      } else {
        long p = (long) pos + e.ref();
        if (p > unitBounds.length) {
          throw new SyncException(
              "sync range refers to unit " + p + " of " + unitBounds.length + " sent");
        }
        pos = (int) p;
        upper = unitBounds[pos - 1];
      }
      // Claims are taken unless the other side answers them: then they are withdrawn.
      boolean refused = false;
      if (!(e instanceof Skip)) {
        for (int u = from; u < pos; u++) {
          if (unitClaims[u] != null) {
            for (int i : unitClaims[u]) {
              have.remove(storage.id(i));
            }
            refused = true;
          }
        }
      }
      int hi = storage.lowerBound(upper, lo, n);
      if (e instanceof Split s) {
        splitWork(s, lower, upper, lo, hi, work);
      } else {
        Work w = new Work();
        w.lower = lower;
        w.upper = upper;
        w.lo = lo;
        w.hi = hi;
        w.entry = e;
        if (e instanceof Skip) {
          w.kind = Work.SKIP;
        } else if (e instanceof Fingerprint f) {
          w.kind = Work.COMPARE;
          w.count = f.count();
          w.checksum = f.checksum();
          w.noPeel = refused;
        } else if (e instanceof Claim) {
          w.kind = Work.CLAIM;
        } else if (e instanceof IdList) {
          w.kind = Work.ID_LIST;
        } else if (e instanceof ShortList) {
          w.kind = Work.SHORT_LIST;
        } else {
          // Positions refer to the list this side sent for exactly this unit.
          byte kind = e.ref() == 1 ? unitKinds[pos - 1] : U_SKIP;
          if (kind != U_ID_LIST && kind != U_SHORT_LIST) {
            throw new SyncException("sync indexes answer a range that was not a list");
          }
          w.kind = Work.INDEXES;
          w.myKind = kind;
        }
        work.add(w);
      }
      lower = upper;
      lo = hi;
    }
    return work;
  }

  private void splitWork(Split s, Bound lower, Bound upper, int lo, int hi, List<Work> work)
      throws SyncException {
    int parts = s.parts();
    long base = s.count() / parts;
    long extra = s.count() % parts;
    Bound prev = lower;
    int clo = lo;
    for (int i = 0; i < parts; i++) {
      Bound b;
      if (i < parts - 1) {
        b = resolve(s.bounds().get(i), prev);
        if (b.compareTo(prev) <= 0 || b.compareTo(upper) >= 0) {
          throw new SyncException("sync split bounds out of order");
        }
      } else {
        b = upper;
      }
      int chi = storage.lowerBound(b, clo, hi);
      Work w = new Work();
      w.kind = Work.COMPARE;
      w.lower = prev;
      w.upper = b;
      w.lo = clo;
      w.hi = chi;
      w.count = base + (i < extra ? 1 : 0);
      w.checksum = s.checksums()[i];
      work.add(w);
      prev = b;
      clo = chi;
    }
  }

  private static Bound resolve(ChildBound c, Bound prev) throws SyncException {
    long max = SyncItem.MAX_TIMESTAMP;
    if (c.explicit()) {
      if (c.q() > max - prev.timestamp) {
        throw new SyncException("sync split bound out of range");
      }
      return new Bound(prev.timestamp + c.q(), c.prefix());
    }
    BigInteger k =
        key(prev.timestamp, prev.prefix).add(BigInteger.valueOf(c.q()).shiftLeft(c.shift()));
    if (k.bitLength() > 256 + 53) {
      throw new SyncException("sync split bound out of range");
    }
    return bound(k);
  }

  /** A bound as the number {@code timestamp * 2^256 + prefix padded to 32 bytes}. */
  static BigInteger key(long timestamp, byte[] prefix) {
    byte[] b = new byte[1 + 8 + ItemId.LENGTH];
    for (int i = 0; i < 8; i++) {
      b[1 + i] = (byte) (timestamp >>> (56 - 8 * i));
    }
    System.arraycopy(prefix, 0, b, 9, prefix.length);
    return new BigInteger(b);
  }

  static Bound bound(BigInteger key) {
    byte[] b = key.toByteArray();
    byte[] full = new byte[8 + ItemId.LENGTH];
    int copy = Math.min(b.length, full.length);
    System.arraycopy(b, b.length - copy, full, full.length - copy, copy);
    long ts = 0;
    for (int i = 0; i < 8; i++) {
      ts = (ts << 8) | (full[i] & 0xff);
    }
    int len = ItemId.LENGTH;
    while (len > 0 && full[8 + len - 1] == 0) {
      len--;
    }
    return new Bound(ts, Arrays.copyOfRange(full, 8, 8 + len));
  }

  // ------------------------------------------------------------------------------ answering

  /** An answer not yet placed: its entry (ref filled in later) and the units it makes. */
  private static final class Pending {
    final Entry entry;
    final Bound[] childBounds;
    final byte kind;
    final int[] claimed;

    Pending(Entry entry, byte kind, Bound[] childBounds) {
      this(entry, kind, childBounds, null);
    }

    Pending(Entry entry, byte kind, Bound[] childBounds, int[] claimed) {
      this.entry = entry;
      this.kind = kind;
      this.childBounds = childBounds;
      this.claimed = claimed;
    }
  }

  private void answer(List<Work> work, Out out) throws SyncException {
    Odds.Builder evidence = new Odds.Builder();
    for (Work w : work) {
      if (w.kind == Work.COMPARE) {
        evidence.add(w.count, matches(w) ? null : (w.hi - w.lo) - w.count);
      }
    }
    Odds odds = evidence.build();
    int r = deadline() - (messages + 1);
    if (overflowed) {
      r = Math.max(r, 3); // past the plan: keep splitting and short-listing rather than listing
    }
    for (int p = 0; p < work.size(); p++) {
      Work w = work.get(p);
      Pending a;
      switch (w.kind) {
        case Work.COMPARE:
          a = matches(w) ? null : open(w, r, odds);
          break;
        case Work.ID_LIST:
          a = readIdList(w);
          break;
        case Work.SHORT_LIST:
          a = readShortList(w);
          break;
        case Work.INDEXES:
          readIndexes(w);
          a = null;
          break;
        case Work.CLAIM:
          a = readClaim(w);
          break;
        default:
          a = null;
      }
      if (a == null) {
        continue;
      }
      if (!out.fits(a, p + 1)) {
        // Out of room: one fingerprint for the rest of the universe, to be taken up again.
        overflowed = true;
        out.skipTo(p, work);
        out.infinity(
            new Pending(new Fingerprint(0, n - w.lo, (int) checksum(w.lo, n)), U_OPEN, null));
        return;
      }
      out.place(p + 1, a, work);
    }
  }

  private boolean matches(Work w) {
    return w.hi - w.lo == w.count && (int) checksum(w.lo, w.hi) == w.checksum;
  }

  /** The answer to a range whose fingerprint differs. */
  private Pending open(Work w, int r, Odds odds) {
    int lo = w.lo;
    int hi = w.hi;
    int mine = hi - lo;
    long theirs = w.count;
    if (theirs == 0) {
      for (int i = lo; i < hi; i++) {
        addHave(i, true);
      }
      return null;
    }
    if (mine == 0) {
      return idList(lo, hi);
    }
    long delta = mine - theirs;
    int diff = (int) checksum(lo, hi) - w.checksum;
    if (delta >= 1 && delta <= 3 && !w.noPeel && peelable(mine, (int) delta)) {
      int[] found = peel(lo, hi, (int) delta, diff);
      if (found != null) {
        return claim(lo, hi, found);
      }
    }
    int room = settings.frameSizeLimit() / 2;
    if (r <= 1) {
      if ((long) mine * ItemId.LENGTH <= room) {
        return idList(lo, hi);
      }
    } else if (delta < 0
        && delta >= -3
        && peelable(theirs, (int) -delta)
        && worthReturning(
            mine, theirs, r, odds.failure((int) -delta, theirs), odds.crowd(-delta, theirs))) {
      return new Pending(new Fingerprint(1, mine, (int) checksum(lo, hi)), U_OPEN, null);
    }
    double k = odds.crowd(Math.abs(delta), theirs);
    boolean listFits = (long) mine * SyncMessage.SHORT_ID_BYTES <= room;
    if (mine < 4) {
      return listFits ? shortList(lo, hi) : idList(lo, hi);
    }
    double holds = odds.otherHolds(theirs);
    int parts = bestParts(mine, Math.max(r, 2), k, holds, room / 12);
    if (listFits && (r <= 2 || mine <= SMALL)) {
      // With two messages to go a split still pays when the range is large: parts left with one
      // difference are taken out, the rest listed in full by the other side.
      boolean split =
          r == 2 && splitCost(mine, parts, 2, k, holds) < SyncMessage.SHORT_ID_BYTES * mine;
      if (!split) {
        return shortList(lo, hi);
      }
    }
    return split(lo, hi, w.lower, w.upper, parts);
  }

  /**
   * Whether to hand a range back with this side's fingerprint, betting that the other side (which
   * has one to three items more) can take them out. If it cannot ({@code failure} is the chance),
   * it must settle the range, about {@code k} differences, with one message less than this side has
   * now.
   */
  static boolean worthReturning(int mine, long theirs, int r, double failure, double k) {
    if (r <= 1) {
      return false; // the other side could not be answered
    }
    return 8 + failure * settleCost(theirs, r - 1, k) <= settleCost(mine, r, k);
  }

  /**
   * About what settling a range of {@code count} items that holds about {@code k} differences
   * costs, with {@code r} messages to go: a full list with one, a short list with two, the cheapest
   * split (or a short list, if small) with more.
   */
  static double settleCost(long count, int r, double k) {
    if (r <= 1) {
      return (double) ItemId.LENGTH * count;
    }
    double list = (double) SyncMessage.SHORT_ID_BYTES * count;
    if (count < 4) {
      return list;
    }
    int parts = bestParts(count, r, k, 0.5, Integer.MAX_VALUE);
    double split = splitCost(count, parts, r, k, 0.5);
    return count <= SMALL || r == 2 ? Math.min(list, split) : split;
  }

  /**
   * The cheapest number of parts for a split of {@code count} items holding about {@code k}
   * differences, with {@code r} messages to go: few parts when differences are few (a part with one
   * difference is taken out by a scan, whatever its size), more when parts left with two or more
   * would be costly to settle later.
   */
  static int bestParts(long count, int r, double k, double holds, int maxParts) {
    int limit = (int) Math.max(2, Math.min(Math.min(count / 2, maxParts), 1 << 16));
    int safe =
        r <= 2 ? limit : Math.min(fanout((int) Math.min(count, Integer.MAX_VALUE), r), limit);
    int best = 2;
    double bestCost = splitCost(count, 2, r, k, holds);
    for (int f = 4; ; f *= 2) {
      int parts = Math.min(f, Math.max(safe, Math.min(BRANCHING, limit)));
      if (parts <= best) {
        break;
      }
      double cost = splitCost(count, parts, r, k, holds);
      if (cost < bestCost) {
        best = parts;
        bestCost = cost;
      }
    }
    return best;
  }

  /**
   * Expected cost of splitting {@code count} items into {@code parts} with {@code r} messages to
   * go: about 7 bytes a part, plus settling the parts left with differences among the {@code k}. A
   * part with one difference costs little if the other side holds it ({@code holds} is the chance:
   * it claims it), else what handing back, short-listing or listing costs by then; a part with
   * more, whatever settling it costs, unless the other side holds them all.
   */
  static double splitCost(long count, int parts, int r, double k, double holds) {
    double q = 1.0 / parts;
    double none = Math.pow(1 - q, k);
    double one = k * q * Math.pow(1 - q, k - 1);
    double multi = Math.max(0, 1 - none - one);
    double c = count * q;
    double single = r - 1 >= 3 ? 10 : r - 1 == 2 ? Math.min(4 * c, 8 + 1.6 * c) : 32 * c;
    double theirs = holds * holds;
    return 7.0 * parts
        + parts * one * (holds * 8 + (1 - holds) * single)
        + parts * multi * (theirs * 10 + (1 - theirs) * settleMulti(c, r - 1));
  }

  private static final Map<Long, Double> SETTLE = new java.util.concurrent.ConcurrentHashMap<>();

  /** {@link #settleCost} for a part known to hold two or more differences (about 2.5). */
  private static double settleMulti(double count, int r) {
    if (r <= 2) {
      return settleCost((long) Math.ceil(count), r, 2.5);
    }
    // Memoised by r and count to a quarter of a binary order of magnitude.
    long bucket = Math.round(4 * Math.log(Math.max(count, 1)) / Math.log(2));
    long key = bucket * 64 + Math.min(r, 63);
    Double v = SETTLE.get(key);
    if (v == null) {
      v = settleCost((long) Math.ceil(Math.pow(2, bucket / 4.0)), r, 2.5);
      SETTLE.put(key, v);
    }
    return v;
  }

  /** Whether a scan for {@code delta} items among {@code count} is cheap enough to try. */
  static boolean peelable(long count, int delta) {
    return delta <= 2 || count <= PEEL3_MAX;
  }

  /**
   * What this message says about how differences fall into its ranges. Model: of the {@code c}
   * items the other side has in a range, each is one this side lacks with chance {@code p}
   * (binomial, since the other side cut its ranges by count); this side's extras in the range are
   * Poisson with rate {@code mine}. A range matches when both are zero, and otherwise shows their
   * difference as the surplus of items. {@code p} and {@code mine} are the maximum-likelihood fit
   * to the ranges of the message, by grid search.
   */
  static final class Odds {
    private static final double[] RATE = new double[40];
    private static final double[] SHARE = new double[40];
    private static final double[] LOG_FACTORIAL = new double[1024];

    static {
      for (int i = 0; i < RATE.length; i++) {
        RATE[i] = 0.002 * Math.pow(1.3, i);
        SHARE[i] = Math.min(0.95, 0.0002 * Math.pow(1.3, i));
      }
      for (int i = 2; i < LOG_FACTORIAL.length; i++) {
        LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
      }
    }

    final double mine;
    final double share;

    /** {@code mine}, pushed up by two standard errors: a lost bet costs more than a won one. */
    final double mineHigh;

    Odds(double mine, double share, int ranges) {
      this.mine = mine;
      this.share = share;
      this.mineHigh = mine + 2 * Math.sqrt(mine / Math.max(1, ranges)) + 1.0 / Math.max(1, ranges);
    }

    /** Collects the ranges of a message: the other side's count, and the surplus if they differ. */
    static final class Builder {
      private final Map<Long, Integer> matched = new HashMap<>();
      private final Map<List<Long>, Integer> differing = new HashMap<>();

      void add(long theirs, Long surplus) {
        // Counts above 64 rounded to 6 significant bits: few distinct cases to weigh.
        int drop = Math.max(0, 64 - Long.numberOfLeadingZeros(theirs) - 6);
        theirs = (theirs >>> drop) << drop;
        if (surplus == null) {
          matched.merge(theirs, 1, Integer::sum);
        } else {
          differing.merge(List.of(theirs, surplus), 1, Integer::sum);
        }
      }

      Odds build() {
        if (matched.isEmpty() && differing.isEmpty()) {
          return new Odds(0.1, 0.01, 1);
        }
        int ranges = 0;
        for (int c : matched.values()) {
          ranges += c;
        }
        for (int c : differing.values()) {
          ranges += c;
        }
        // A coarse grid, then two finer ones around the best point.
        double bestA = 0.1;
        double bestP = 0.01;
        double best = Double.NEGATIVE_INFINITY;
        for (double p : SHARE) {
          for (double a : RATE) {
            double l = likelihood(p, a);
            if (l > best) {
              best = l;
              bestA = a;
              bestP = p;
            }
          }
        }
        for (double step : new double[] {1.06, 1.012}) {
          double centreA = bestA;
          double centreP = bestP;
          for (int i = -5; i <= 5; i++) {
            for (int j = -5; j <= 5; j++) {
              double p = Math.min(0.95, centreP * Math.pow(step, i));
              double a = centreA * Math.pow(step, j);
              double l = likelihood(p, a);
              if (l > best) {
                best = l;
                bestA = a;
                bestP = p;
              }
            }
          }
        }
        return new Odds(bestA, bestP, ranges);
      }

      private double likelihood(double p, double a) {
        double l = 0;
        for (Map.Entry<Long, Integer> e : matched.entrySet()) {
          l += e.getValue() * (e.getKey() * Math.log1p(-p) - a);
        }
        for (Map.Entry<List<Long>, Integer> e : differing.entrySet()) {
          long c = e.getKey().get(0);
          long d = e.getKey().get(1);
          double q = surplus(d, c, p, a);
          if (d == 0) {
            q -= Math.exp(c * Math.log1p(-p) - a);
          }
          l += e.getValue() * Math.log(Math.max(q, 1e-300));
        }
        return l;
      }
    }

    /** P(Y - X = d) for Y ~ Poisson(a) and X ~ Binomial(c, p). */
    static double surplus(long d, long c, double p, double a) {
      if (d > 400 || -d > c) {
        return 0;
      }
      long x = Math.max(0, -d);
      long y = x + d;
      double term = Math.exp(logBinomial(c, x, p) + logPoisson(a, y));
      double sum = 0;
      for (int i = 0; i < 80 && x <= c; i++, x++, y++) {
        sum += term;
        term *= ((double) (c - x) / (x + 1)) * (p / (1 - p)) * (a / (y + 1));
      }
      return sum;
    }

    /**
     * The chance that a range where the other side (with {@code c} items there) has {@code k} items
     * more also holds items only this side has, so that the other side's scan fails.
     */
    double failure(int k, long c) {
      double all = surplus(-k, c, share, mineHigh);
      double clean = Math.exp(logBinomial(c, k, share) - mineHigh);
      return all <= 0 ? 1 : Math.max(0, 1 - clean / all);
    }

    /**
     * The chance that a difference in a range where the other side has {@code c} items is one of
     * the other side's items.
     */
    double otherHolds(long c) {
      double theirs = c * share;
      return theirs / (theirs + mine);
    }

    /** About how many differences a differing range holds, knowing it holds at least {@code k}. */
    double crowd(long k, long c) {
      return Math.max(2, k) + mine + c * share;
    }

    private static double logPoisson(double a, long y) {
      return y * Math.log(a) - a - logFactorial(y);
    }

    private static double logBinomial(long c, long x, double p) {
      if (x > c) {
        return Double.NEGATIVE_INFINITY;
      }
      return logFactorial(c)
          - logFactorial(x)
          - logFactorial(c - x)
          + x * Math.log(p)
          + (c - x) * Math.log1p(-p);
    }

    private static double logFactorial(long n) {
      if (n < LOG_FACTORIAL.length) {
        return LOG_FACTORIAL[(int) n];
      }
      double x = n + 1; // Stirling's series for ln Gamma(n + 1)
      return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x);
    }
  }

  /**
   * Parts of a split of {@code count} items with {@code r} messages to go after this one: enough
   * that 16-way splits afterwards bring every part down to a short list in time.
   */
  static int fanout(int count, int r) {
    int levels = Math.max(1, r - 2);
    double rest = Math.pow(BRANCHING, levels - 1) * SHORT_LIST_MAX;
    int f = (int) Math.max(BRANCHING, Math.ceil(count / rest));
    return Math.min(f, count);
  }

  /**
   * Takes out the {@code delta} (1 to 3) items of {@code [lo, hi)} whose hashes add up to {@code
   * diff} (mod 2^32), if exactly one such choice exists: they are the items the other side lacks.
   */
  private int[] peel(int lo, int hi, int delta, int diff) {
    if (delta == 1) {
      int found = -1;
      for (int i = lo; i < hi; i++) {
        if ((int) h(i) == diff) {
          if (found >= 0) {
            return null;
          }
          found = i;
        }
      }
      return found < 0 ? null : new int[] {found};
    }
    // Hashes sorted with their positions, (h << 32 | position), to look up partners by hash.
    long[] sorted = new long[hi - lo];
    for (int i = lo; i < hi; i++) {
      sorted[i - lo] = ((h(i) & 0xffffffffL) << 32) | (i - lo);
    }
    Arrays.sort(sorted);
    int[] found = null;
    int ways = 0;
    for (int i = lo; i < hi && ways <= 1; i++) {
      if (delta == 2) {
        int j = partner(sorted, diff - (int) h(i), i - lo, -1);
        if (j == -2) {
          return null;
        }
        if (j > i - lo) {
          ways++;
          found = new int[] {i, lo + j};
        }
      } else {
        for (int j = i + 1; j < hi && ways <= 1; j++) {
          int k = partner(sorted, diff - (int) h(i) - (int) h(j), i - lo, j - lo);
          if (k == -2) {
            return null;
          }
          if (k > j - lo) {
            ways++;
            found = new int[] {i, j, lo + k};
          }
        }
      }
    }
    return ways == 1 ? found : null;
  }

  /**
   * Claims the items a scan found: taken as lacking on the other side once the claim is written
   * into a message, withdrawn if the other side answers it (it checks 14 more bits of the checksum
   * first).
   */
  private Pending claim(int lo, int hi, int[] found) {
    byte[] ids = new byte[found.length * ItemId.LENGTH];
    for (int k = 0; k < found.length; k++) {
      System.arraycopy(
          storage.ids, found[k] * ItemId.LENGTH, ids, k * ItemId.LENGTH, ItemId.LENGTH);
    }
    int check = (int) (checksum(lo, hi) >>> 32) & Claim.CHECK_MASK;
    return new Pending(new Claim(1, check, ids), U_CLAIM, null, found);
  }

  /** The other side's claim: taken if 14 more bits of the checksums agree, else refused. */
  private Pending readClaim(Work w) {
    Claim c = (Claim) w.entry;
    long sum = checksum(w.lo, w.hi);
    byte[] ids = c.ids();
    for (int k = 0; k < c.count(); k++) {
      int o = k * ItemId.LENGTH;
      sum +=
          hash(
              salt,
              (long) SyncStorage.BIG_ENDIAN.get(ids, o),
              (long) SyncStorage.BIG_ENDIAN.get(ids, o + 8),
              (long) SyncStorage.BIG_ENDIAN.get(ids, o + 16),
              (long) SyncStorage.BIG_ENDIAN.get(ids, o + 24));
    }
    if (((int) (sum >>> 32) & Claim.CHECK_MASK) != c.check()) {
      return new Pending(new Fingerprint(1, w.hi - w.lo, (int) checksum(w.lo, w.hi)), U_OPEN, null);
    }
    for (int k = 0; k < c.count(); k++) {
      need.add(ItemId.copyOf(ids, k * ItemId.LENGTH));
    }
    return null;
  }

  /**
   * The position whose hash is {@code value}, other than {@code not1} and {@code not2}: -1 if none,
   * -2 if several (ambiguous).
   */
  private static int partner(long[] sorted, int value, int not1, int not2) {
    long key = (value & 0xffffffffL) << 32;
    int at = Arrays.binarySearch(sorted, key);
    if (at < 0) {
      at = -at - 1;
    }
    int found = -1;
    for (; at < sorted.length && (sorted[at] & 0xffffffff00000000L) == key; at++) {
      int pos = (int) sorted[at];
      if (pos == not1 || pos == not2) {
        continue;
      }
      if (found >= 0) {
        return -2;
      }
      found = pos;
    }
    return found;
  }

  private Pending idList(int lo, int hi) {
    byte[] ids = Arrays.copyOfRange(storage.ids, lo * ItemId.LENGTH, hi * ItemId.LENGTH);
    return new Pending(new IdList(1, ids), U_ID_LIST, null);
  }

  private Pending shortList(int lo, int hi) {
    int[] v = new int[hi - lo];
    for (int i = lo; i < hi; i++) {
      v[i - lo] = (int) (h(i) >>> 32);
    }
    return new Pending(new ShortList(1, v), U_SHORT_LIST, null);
  }

  /** Cuts {@code [lo, hi)} (between {@code lower} and {@code upper}) into parts of equal count. */
  private Pending split(int lo, int hi, Bound lower, Bound upper, int parts) {
    int count = hi - lo;
    int base = count / parts;
    int extra = count % parts;
    List<ChildBound> bounds = new ArrayList<>(parts - 1);
    int[] sums = new int[parts];
    Bound[] abs = new Bound[parts];
    Bound prev = lower;
    int start = lo;
    for (int c = 0; c < parts; c++) {
      int end = start + base + (c < extra ? 1 : 0);
      sums[c] = (int) checksum(start, end);
      if (c < parts - 1) {
        ChildBound b = between(end - 1, end, prev);
        bounds.add(b);
        try {
          prev = resolve(b, prev);
        } catch (SyncException e) {
          throw new IllegalStateException(e);
        }
        abs[c] = prev;
      } else {
        abs[c] = upper;
      }
      start = end;
    }
    return new Pending(new Split(1, count, bounds, sums), U_OPEN, abs);
  }

  /**
   * The cheapest bound above item {@code a} and at or below item {@code b = a + 1}, relative to
   * {@code prev}: the roundest number in between (see {@link ChildBound}), or, when that would take
   * too many digits, {@code b}'s timestamp and the shortest id prefix above {@code a}'s.
   */
  private ChildBound between(int a, int b, Bound prev) {
    BigInteger base = key(prev.timestamp, prev.prefix);
    BigInteger below = itemKey(a).subtract(base); // the bound must exceed this
    BigInteger hi = itemKey(b).subtract(base);
    int shift = below.xor(hi).bitLength() - 1;
    BigInteger q = hi.shiftRight(shift);
    if (q.bitLength() <= 48 && shift <= ChildBound.MAX_SHIFT) {
      return new ChildBound(q.longValue(), shift, Bound.NO_PREFIX);
    }
    long ta = storage.timestamps[a];
    long tb = storage.timestamps[b];
    byte[] prefix = Bound.NO_PREFIX;
    if (ta == tb) {
      int len = storage.commonPrefix(a, b) + 1;
      prefix = Arrays.copyOfRange(storage.ids, b * ItemId.LENGTH, b * ItemId.LENGTH + len);
    }
    return new ChildBound(tb - prev.timestamp, ChildBound.EXPLICIT, prefix);
  }

  private BigInteger itemKey(int i) {
    return key(
        storage.timestamps[i],
        Arrays.copyOfRange(storage.ids, i * ItemId.LENGTH, (i + 1) * ItemId.LENGTH));
  }

  /** The other side's full list: both directions are settled here. */
  private Pending readIdList(Work w) {
    IdList l = (IdList) w.entry;
    int count = l.count();
    Map<ItemId, Integer> theirs = new HashMap<>(2 * count);
    for (int i = 0; i < count; i++) {
      theirs.putIfAbsent(ItemId.copyOf(l.ids(), i * ItemId.LENGTH), i);
    }
    boolean[] matched = new boolean[count];
    for (int i = w.lo; i < w.hi; i++) {
      Integer p = theirs.get(storage.id(i));
      if (p == null) {
        addHave(i, true);
      } else {
        matched[p] = true;
      }
    }
    int[] missing = new int[count];
    int k = 0;
    for (int i = 0; i < count; i++) {
      if (!matched[i]) {
        ItemId id = ItemId.copyOf(l.ids(), i * ItemId.LENGTH);
        if (theirs.get(id) == i) {
          need.add(id);
          missing[k++] = i;
        }
      }
    }
    return k == 0 ? null : new Pending(new Indexes(1, Arrays.copyOf(missing, k)), U_INDEXES, null);
  }

  /** The other side's short list: this side's extras go out, its own are asked for by position. */
  private Pending readShortList(Work w) {
    int[] shorts = ((ShortList) w.entry).shortIds();
    Map<Integer, List<Integer>> theirs = new HashMap<>(2 * shorts.length);
    for (int i = 0; i < shorts.length; i++) {
      theirs.computeIfAbsent(shorts[i], x -> new ArrayList<>(1)).add(i);
    }
    boolean[] matched = new boolean[shorts.length];
    for (int i = w.lo; i < w.hi; i++) {
      List<Integer> at = theirs.get((int) (h(i) >>> 32));
      if (at == null || at.isEmpty()) {
        addHave(i, true);
      } else {
        matched[at.remove(at.size() - 1)] = true;
      }
    }
    int[] missing = new int[shorts.length];
    int k = 0;
    for (int i = 0; i < shorts.length; i++) {
      if (!matched[i]) {
        missing[k++] = i;
      }
    }
    return k == 0 ? null : new Pending(new Indexes(1, Arrays.copyOf(missing, k)), U_INDEXES, null);
  }

  /** The other side lacks these of the items this side listed. */
  private void readIndexes(Work w) throws SyncException {
    int[] positions = ((Indexes) w.entry).positions();
    for (int p : positions) {
      if (p >= w.hi - w.lo) {
        throw new SyncException("sync index " + p + " past the " + (w.hi - w.lo) + " items listed");
      }
    }
    for (int p : positions) {
      addHave(w.lo + p, w.myKind == U_SHORT_LIST);
    }
  }

  // ------------------------------------------------------------------------------ writing

  /** The message being written: ranges so far, their units, and the room left. */
  private final class Out {
    final Header header;
    final List<Entry> entries = new ArrayList<>();
    final List<Bound> unitBounds = new ArrayList<>();
    byte[] unitKinds = new byte[64];
    int unitCount;
    final List<Integer> ids = new ArrayList<>();
    final List<int[]> claims = new ArrayList<>();
    int size;

    /** Position (1-based) in the answered message up to which ranges are written. */
    int written;

    boolean open;
    boolean answersShortList;

    Out(Header header) {
      this.header = header;
      // Version, flags, header, and room for the range and id counts.
      this.size = 1 + 1 + (header == null ? 0 : header.size()) + 2 * Varint.MAX_BYTES;
    }

    int room() {
      return settings.frameSizeLimit() - size - ids.size() * ItemId.LENGTH;
    }

    /** True if {@code a}, a skip before it and a final fingerprint still fit. */
    boolean fits(Pending a, int pos) {
      int skip = pos - 1 > written ? 3 : 0;
      return a.entry.size() + skip + 32 <= room();
    }

    void skipTo(int pos, List<Work> work) {
      if (pos > written) {
        add(new Skip(pos - written), work.get(pos - 1).upper, U_SKIP);
        written = pos;
      }
    }

    void place(int pos, Pending a, List<Work> work) {
      skipTo(pos - 1, work);
      Entry e = a.entry;
      if (a.kind == U_INDEXES) {
        answersShortList |= work.get(pos - 1).kind == Work.SHORT_LIST;
      } else if (a.kind != U_CLAIM) {
        open = true;
      }
      if (a.childBounds != null) {
        entries.add(e);
        size += e.size();
        for (Bound b : a.childBounds) {
          unit(b, U_OPEN);
        }
      } else {
        add(e, work.get(pos - 1).upper, a.kind);
        if (a.claimed != null) {
          claims.set(claims.size() - 1, a.claimed);
          for (int i : a.claimed) {
            addHave(i, false);
          }
        }
      }
      written = pos;
    }

    /** The last range, up to infinity (ref 0). */
    void infinity(Pending a) {
      Entry e = withInfinity(a.entry);
      entries.add(e);
      size += e.size();
      open = true;
      if (a.childBounds != null) {
        for (Bound b : a.childBounds) {
          unit(b, U_OPEN);
        }
      } else {
        unit(Bound.INFINITY, a.kind);
      }
    }

    private void add(Entry e, Bound upper, byte kind) {
      entries.add(e);
      size += e.size();
      unit(upper, kind);
    }

    private void unit(Bound b, byte kind) {
      unitBounds.add(b);
      claims.add(null);
      if (unitCount == unitKinds.length) {
        unitKinds = Arrays.copyOf(unitKinds, 2 * unitCount);
      }
      unitKinds[unitCount++] = kind;
    }

    SyncMessage message(boolean more, Reconciler r) {
      byte[] bytes = new byte[ids.size() * ItemId.LENGTH];
      for (int k = 0; k < ids.size(); k++) {
        System.arraycopy(
            r.storage.ids, ids.get(k) * ItemId.LENGTH, bytes, k * ItemId.LENGTH, ItemId.LENGTH);
      }
      return new SyncMessage(more, header, entries, bytes);
    }
  }

  private static Entry withInfinity(Entry e) {
    if (e instanceof Fingerprint f) {
      return new Fingerprint(0, f.count(), f.checksum());
    } else if (e instanceof Split s) {
      return new Split(0, s.count(), s.bounds(), s.checksums());
    } else if (e instanceof IdList l) {
      return new IdList(0, l.ids());
    } else if (e instanceof ShortList l) {
      return new ShortList(0, l.shortIds());
    }
    throw new IllegalArgumentException("no such first range: " + e);
  }
}
