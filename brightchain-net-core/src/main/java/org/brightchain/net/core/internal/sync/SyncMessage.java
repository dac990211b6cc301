package org.brightchain.net.core.internal.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One reconciliation message, as data, and its binary form. The format is described byte by byte in
 * {@code docs/sync.md} ("Reconciliation"); in short:
 *
 * <pre>
 * Message    := version=0x01  flags:varint  [Header]  count:varint Range*  count:varint Id*
 * flags      := 1 HEADER | 2 SALT | 4 MORE
 * Header     := [salt:8 bytes, if SALT]  itemCount:varint  fingerprint:16 bytes
 * Range      := head:varint (= ref &lt;&lt; 3 | mode)  payload
 *   mode 0 SKIP
 *   mode 1 FINGERPRINT  count:varint  checksum:4
 *   mode 2 SPLIT        parts:varint  count:varint  ChildBound{parts-1}  checksum:4{parts}
 *   mode 3 ID_LIST      n:varint  Id{n}
 *   mode 4 SHORT_LIST   n:varint  shortId:4{n}
 *   mode 5 INDEXES      n:varint  gap:varint{n}
 *   mode 6 CLAIM        (n-1 &lt;&lt; 14 | check):2  Id{n}, n = 1 to 3
 * ChildBound := varint (= q &lt;&lt; 5 | code)  [shift:varint, if code = 30]
 *               [length:varint prefix:bytes, if code = 31]
 * </pre>
 *
 * <p>A range's upper bound is not written out: {@code ref} counts forward through the units
 * (ranges, and each part of a split) of the message being answered, and {@code ref = 0} means
 * infinity, allowed only on the last range. Child bounds are relative to the split's lower bound;
 * they are kept here as written ({@code q}, {@code shift}, prefix), the engine turns them into
 * positions.
 *
 * <p>{@link #decode} accepts at most {@link #MAX_SIZE} bytes and checks every length against the
 * bytes that remain before allocating anything, so hostile input costs at most its own size.
 */
final class SyncMessage {
  static final int VERSION = 1;

  /** Largest message {@link #decode} accepts: 1 MiB, the frame limit of the transport. */
  static final int MAX_SIZE = 1 << 20;

  static final int FLAG_HEADER = 1;
  static final int FLAG_SALT = 2;
  static final int FLAG_MORE = 4;

  static final int SKIP = 0;
  static final int FINGERPRINT = 1;
  static final int SPLIT = 2;
  static final int ID_LIST = 3;
  static final int SHORT_LIST = 4;
  static final int INDEXES = 5;
  static final int CLAIM = 6;

  static final int CHECKSUM_BYTES = 4;
  static final int SHORT_ID_BYTES = 4;

  final boolean more;
  final Header header;
  final List<Entry> entries;

  /** Ids the receiver lacks, 32 bytes each, back to back. */
  final byte[] ids;

  SyncMessage(boolean more, Header header, List<Entry> entries, byte[] ids) {
    if (ids.length % ItemId.LENGTH != 0) {
      throw new IllegalArgumentException("ids: " + ids.length + " bytes (expected: 32 per id)");
    }
    this.more = more;
    this.header = header;
    this.entries = List.copyOf(entries);
    this.ids = ids;
  }

  int idCount() {
    return ids.length / ItemId.LENGTH;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyncMessage m
        && m.more == more
        && Objects.equals(m.header, header)
        && m.entries.equals(entries)
        && Arrays.equals(m.ids, ids);
  }

  @Override
  public int hashCode() {
    return Objects.hash(more, header, entries, Arrays.hashCode(ids));
  }

  @Override
  public String toString() {
    return "SyncMessage[more="
        + more
        + ", header="
        + header
        + ", "
        + entries.size()
        + " ranges, "
        + idCount()
        + " ids]";
  }

  // ------------------------------------------------------------------------------ model

  /** The sender's first message carries its item count and fingerprint; the initiator's, a salt. */
  record Header(boolean hasSalt, long salt, long count, byte[] fingerprint) {
    Header {
      if (fingerprint.length != SyncStorage.FINGERPRINT_LENGTH || count < 0) {
        throw new IllegalArgumentException("header");
      }
      if (!hasSalt) {
        salt = 0;
      }
    }

    int size() {
      return (hasSalt ? 8 : 0) + Varint.size(count) + SyncStorage.FINGERPRINT_LENGTH;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Header h
          && h.hasSalt == hasSalt
          && h.salt == salt
          && h.count == count
          && Arrays.equals(h.fingerprint, fingerprint);
    }

    @Override
    public int hashCode() {
      return Objects.hash(hasSalt, salt, count, Arrays.hashCode(fingerprint));
    }
  }

  /** A range of the message: how far it reaches ({@link #ref}) and what it says. */
  sealed interface Entry permits Skip, Fingerprint, Split, IdList, ShortList, Indexes, Claim {
    /** Units of the answered message this range advances over; 0 means up to infinity. */
    int ref();

    int mode();

    /** Payload size in bytes. */
    int payloadSize();

    default int size() {
      return Varint.size(((long) ref() << 3) | mode()) + payloadSize();
    }
  }

  record Skip(int ref) implements Entry {
    @Override
    public int mode() {
      return SKIP;
    }

    @Override
    public int payloadSize() {
      return 0;
    }
  }

  /** The sender's count and 32-bit checksum of the range. */
  record Fingerprint(int ref, long count, int checksum) implements Entry {
    @Override
    public int mode() {
      return FINGERPRINT;
    }

    @Override
    public int payloadSize() {
      return Varint.size(count) + CHECKSUM_BYTES;
    }
  }

  /**
   * A bound inside a split, relative to the previous bound. Read a bound as the number {@code
   * timestamp * 2^256 + id} (the id prefix padded with zeros): normally the bound is the previous
   * one plus {@code q << shift}, the sender choosing the roundest number between two of its items
   * so that {@code q} is small. With {@code shift == EXPLICIT} it is written out instead: timestamp
   * = previous timestamp + {@code q}, and {@code prefix}.
   *
   * <p>On the wire the shift is written as its difference from the previous bound's shift in the
   * same split (from 256 for the first), when that is small.
   */
  record ChildBound(long q, int shift, byte[] prefix) {
    static final int EXPLICIT = 511;
    static final int MAX_SHIFT = 308;
    static final long MAX_Q = 1L << 53;

    /** Shift of the bound before the first of a split, for the differences. */
    static final int FIRST_SHIFT = 256;

    private static final int CODE_SHIFT = 30;
    private static final int CODE_EXPLICIT = 31;

    ChildBound {
      boolean explicit = shift == EXPLICIT;
      if (q < 0
          || q > MAX_Q
          || (!explicit && (shift < 0 || shift > MAX_SHIFT || prefix.length != 0))
          || prefix.length > ItemId.LENGTH) {
        throw new IllegalArgumentException("child bound");
      }
    }

    boolean explicit() {
      return shift == EXPLICIT;
    }

    /** The low 5 bits of the head: the shift's difference from {@code prev}, or an escape. */
    int code(int prev) {
      if (explicit()) {
        return CODE_EXPLICIT;
      }
      int d = shift - prev;
      return d >= -15 && d <= 14 ? (d >= 0 ? 2 * d : -2 * d - 1) : CODE_SHIFT;
    }

    /** The shift that follows this bound, for the next one's difference. */
    int next(int prev) {
      return explicit() ? prev : shift;
    }

    int size(int prev) {
      int code = code(prev);
      return Varint.size((q << 5) | code)
          + (code == CODE_SHIFT ? Varint.size(shift) : 0)
          + (code == CODE_EXPLICIT ? Varint.size(prefix.length) + prefix.length : 0);
    }

    int write(byte[] out, int at, int prev) {
      int code = code(prev);
      at = Varint.write(out, at, (q << 5) | code);
      if (code == CODE_SHIFT) {
        at = Varint.write(out, at, shift);
      } else if (code == CODE_EXPLICIT) {
        at = Varint.write(out, at, prefix.length);
        System.arraycopy(prefix, 0, out, at, prefix.length);
        at += prefix.length;
      }
      return at;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ChildBound c
          && c.q == q
          && c.shift == shift
          && Arrays.equals(c.prefix, prefix);
    }

    @Override
    public int hashCode() {
      return Objects.hash(q, shift, Arrays.hashCode(prefix));
    }
  }

  /**
   * The sender's items of the range cut into {@code checksums.length} parts of equal count (the
   * first {@code count % parts} one larger), with the bounds between them and their checksums.
   */
  record Split(int ref, long count, List<ChildBound> bounds, int[] checksums) implements Entry {
    Split {
      bounds = List.copyOf(bounds);
      if (checksums.length < 2
          || bounds.size() != checksums.length - 1
          || count < checksums.length) {
        throw new IllegalArgumentException("split");
      }
    }

    int parts() {
      return checksums.length;
    }

    @Override
    public int mode() {
      return SPLIT;
    }

    @Override
    public int payloadSize() {
      int s = Varint.size(parts()) + Varint.size(count) + CHECKSUM_BYTES * parts();
      int prev = ChildBound.FIRST_SHIFT;
      for (ChildBound b : bounds) {
        s += b.size(prev);
        prev = b.next(prev);
      }
      return s;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Split s
          && s.ref == ref
          && s.count == count
          && s.bounds.equals(bounds)
          && Arrays.equals(s.checksums, checksums);
    }

    @Override
    public int hashCode() {
      return Objects.hash(ref, count, bounds, Arrays.hashCode(checksums));
    }
  }

  /** All of the sender's ids in the range, in order, 32 bytes each back to back. */
  record IdList(int ref, byte[] ids) implements Entry {
    IdList {
      if (ids.length % ItemId.LENGTH != 0) {
        throw new IllegalArgumentException("id list");
      }
    }

    int count() {
      return ids.length / ItemId.LENGTH;
    }

    @Override
    public int mode() {
      return ID_LIST;
    }

    @Override
    public int payloadSize() {
      return Varint.size(count()) + ids.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IdList l && l.ref == ref && Arrays.equals(l.ids, ids);
    }

    @Override
    public int hashCode() {
      return 31 * ref + Arrays.hashCode(ids);
    }
  }

  /** A 4-byte salted hash of each of the sender's items in the range, in order. */
  record ShortList(int ref, int[] shortIds) implements Entry {
    @Override
    public int mode() {
      return SHORT_LIST;
    }

    @Override
    public int payloadSize() {
      return Varint.size(shortIds.length) + SHORT_ID_BYTES * shortIds.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ShortList l && l.ref == ref && Arrays.equals(l.shortIds, shortIds);
    }

    @Override
    public int hashCode() {
      return 31 * ref + Arrays.hashCode(shortIds);
    }
  }

  /**
   * Positions, ascending, in the receiver's list for this range (its {@link IdList} or {@link
   * ShortList}) of the items the sender lacks.
   */
  record Indexes(int ref, int[] positions) implements Entry {
    Indexes {
      for (int i = 0; i < positions.length; i++) {
        if (positions[i] < 0 || (i > 0 && positions[i] <= positions[i - 1])) {
          throw new IllegalArgumentException("indexes");
        }
      }
    }

    @Override
    public int mode() {
      return INDEXES;
    }

    @Override
    public int payloadSize() {
      int s = Varint.size(positions.length);
      for (int i = 0; i < positions.length; i++) {
        s += Varint.size(gap(i));
      }
      return s;
    }

    long gap(int i) {
      return i == 0 ? positions[0] : (long) positions[i] - positions[i - 1] - 1;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Indexes l && l.ref == ref && Arrays.equals(l.positions, positions);
    }

    @Override
    public int hashCode() {
      return 31 * ref + Arrays.hashCode(positions);
    }
  }

  /**
   * The items (one to three) that explain the difference between the sender's fingerprint of the
   * range and the receiver's, found by a scan of the sender's items: the receiver lacks them. The
   * scan matched 32 bits of the checksum; {@code check}, bits 32 to 45 of the sender's 64-bit
   * checksum of the range, lets the receiver confirm 14 more before it takes them.
   */
  record Claim(int ref, int check, byte[] ids) implements Entry {
    static final int CHECK_MASK = 0x3fff;
    static final int MAX_IDS = 3;

    Claim {
      if (ids.length == 0
          || ids.length % ItemId.LENGTH != 0
          || ids.length > MAX_IDS * ItemId.LENGTH
          || (check & ~CHECK_MASK) != 0) {
        throw new IllegalArgumentException("claim");
      }
    }

    int count() {
      return ids.length / ItemId.LENGTH;
    }

    @Override
    public int mode() {
      return CLAIM;
    }

    @Override
    public int payloadSize() {
      return 2 + ids.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Claim c && c.ref == ref && c.check == check && Arrays.equals(c.ids, ids);
    }

    @Override
    public int hashCode() {
      return Objects.hash(ref, check, Arrays.hashCode(ids));
    }
  }

  // ------------------------------------------------------------------------------ encoding

  private static int flags(Header header, boolean more) {
    int flags = more ? FLAG_MORE : 0;
    if (header != null) {
      flags |= FLAG_HEADER | (header.hasSalt() ? FLAG_SALT : 0);
    }
    return flags;
  }

  int size() {
    int s =
        1
            + Varint.size(flags(header, more))
            + (header == null ? 0 : header.size())
            + Varint.size(entries.size());
    for (Entry e : entries) {
      s += e.size();
    }
    return s + Varint.size(idCount()) + ids.length;
  }

  byte[] encode() {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).ref() == 0 && i != entries.size() - 1) {
        throw new IllegalStateException("a range up to infinity must be the last");
      }
    }
    byte[] out = new byte[size()];
    int at = 0;
    out[at++] = VERSION;
    at = Varint.write(out, at, flags(header, more));
    if (header != null) {
      if (header.hasSalt()) {
        at = putLong(out, at, header.salt());
      }
      at = Varint.write(out, at, header.count());
      System.arraycopy(header.fingerprint(), 0, out, at, SyncStorage.FINGERPRINT_LENGTH);
      at += SyncStorage.FINGERPRINT_LENGTH;
    }
    at = Varint.write(out, at, entries.size());
    for (Entry e : entries) {
      at = Varint.write(out, at, ((long) e.ref() << 3) | e.mode());
      if (e instanceof Fingerprint f) {
        at = Varint.write(out, at, f.count());
        at = putInt(out, at, f.checksum());
      } else if (e instanceof Split s) {
        at = Varint.write(out, at, s.parts());
        at = Varint.write(out, at, s.count());
        int prev = ChildBound.FIRST_SHIFT;
        for (ChildBound b : s.bounds()) {
          at = b.write(out, at, prev);
          prev = b.next(prev);
        }
        for (int c : s.checksums()) {
          at = putInt(out, at, c);
        }
      } else if (e instanceof IdList l) {
        at = Varint.write(out, at, l.count());
        System.arraycopy(l.ids(), 0, out, at, l.ids().length);
        at += l.ids().length;
      } else if (e instanceof ShortList l) {
        at = Varint.write(out, at, l.shortIds().length);
        for (int v : l.shortIds()) {
          at = putInt(out, at, v);
        }
      } else if (e instanceof Indexes x) {
        at = Varint.write(out, at, x.positions().length);
        for (int i = 0; i < x.positions().length; i++) {
          at = Varint.write(out, at, x.gap(i));
        }
      } else if (e instanceof Claim c) {
        int v = ((c.count() - 1) << 14) | c.check();
        out[at++] = (byte) (v >>> 8);
        out[at++] = (byte) v;
        System.arraycopy(c.ids(), 0, out, at, c.ids().length);
        at += c.ids().length;
      }
    }
    at = Varint.write(out, at, idCount());
    System.arraycopy(ids, 0, out, at, ids.length);
    at += ids.length;
    if (at != out.length) {
      throw new IllegalStateException("size mismatch: " + at + " != " + out.length);
    }
    return out;
  }

  private static int putInt(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
    return at + 4;
  }

  private static int putLong(byte[] out, int at, long v) {
    at = putInt(out, at, (int) (v >>> 32));
    return putInt(out, at, (int) v);
  }

  // ------------------------------------------------------------------------------ decoding

  /**
   * Parses a message.
   *
   * @throws SyncException if the bytes are not exactly one well-formed message of at most {@link
   *     #MAX_SIZE} bytes
   */
  static SyncMessage decode(byte[] bytes) throws SyncException {
    if (bytes == null) {
      throw new SyncException("malformed sync message: null");
    }
    if (bytes.length > MAX_SIZE) {
      throw new SyncException(
          "malformed sync message: " + bytes.length + " bytes (limit " + MAX_SIZE + ")");
    }
    Reader r = new Reader(bytes);
    int version = r.u8("version");
    if (version != VERSION) {
      throw new SyncException("unsupported sync protocol version " + version + " (expected 1)");
    }
    long flags = r.varint("flags");
    if ((flags & ~(FLAG_HEADER | FLAG_SALT | FLAG_MORE)) != 0
        || ((flags & FLAG_SALT) != 0 && (flags & FLAG_HEADER) == 0)) {
      throw r.error("unknown flags " + flags);
    }
    Header header = null;
    if ((flags & FLAG_HEADER) != 0) {
      boolean hasSalt = (flags & FLAG_SALT) != 0;
      long salt = hasSalt ? r.u64("salt") : 0;
      long count = r.count("item count");
      byte[] fp = r.bytes(SyncStorage.FINGERPRINT_LENGTH, "fingerprint");
      header = new Header(hasSalt, salt, count, fp);
    }
    int entryCount = r.length(1, "range count");
    List<Entry> entries = new ArrayList<>(Math.min(entryCount, 1024));
    for (int i = 0; i < entryCount; i++) {
      long head = r.varint("range head");
      int mode = (int) (head & 7);
      long ref = head >>> 3;
      if (ref > Integer.MAX_VALUE) {
        throw r.error("range reference " + ref + " out of range");
      }
      if (ref == 0 && i != entryCount - 1) {
        throw r.error("range " + i + " reaches infinity but is not the last");
      }
      entries.add(entry(r, (int) ref, mode));
    }
    int idCount = r.length(ItemId.LENGTH, "id count");
    byte[] ids = r.bytes(idCount * ItemId.LENGTH, "ids");
    if (r.remaining() != 0) {
      throw r.error(r.remaining() + " trailing bytes");
    }
    return new SyncMessage((flags & FLAG_MORE) != 0, header, entries, ids);
  }

  private static Entry entry(Reader r, int ref, int mode) throws SyncException {
    switch (mode) {
      case SKIP:
        return new Skip(ref);
      case FINGERPRINT:
        return new Fingerprint(ref, r.count("fingerprint count"), r.i32("checksum"));
      case SPLIT:
        {
          int parts = r.length(1 + CHECKSUM_BYTES, "split parts");
          long count = r.count("split count");
          if (parts < 2 || count < parts) {
            throw r.error("split of " + count + " items into " + parts + " parts");
          }
          List<ChildBound> bounds = new ArrayList<>(parts - 1);
          int prev = ChildBound.FIRST_SHIFT;
          for (int i = 0; i < parts - 1; i++) {
            ChildBound b = childBound(r, prev);
            bounds.add(b);
            prev = b.next(prev);
          }
          int[] sums = new int[parts];
          for (int i = 0; i < parts; i++) {
            sums[i] = r.i32("checksum");
          }
          return new Split(ref, count, bounds, sums);
        }
      case ID_LIST:
        {
          int n = r.length(ItemId.LENGTH, "id list length");
          return new IdList(ref, r.bytes(n * ItemId.LENGTH, "id list"));
        }
      case SHORT_LIST:
        {
          int n = r.length(SHORT_ID_BYTES, "short list length");
          int[] v = new int[n];
          for (int i = 0; i < n; i++) {
            v[i] = r.i32("short id");
          }
          return new ShortList(ref, v);
        }
      case INDEXES:
        {
          int n = r.length(1, "index count");
          int[] v = new int[n];
          long pos = -1;
          for (int i = 0; i < n; i++) {
            pos += r.varint("index gap") + 1;
            if (pos > Integer.MAX_VALUE) {
              throw r.error("index " + pos + " out of range");
            }
            v[i] = (int) pos;
          }
          return new Indexes(ref, v);
        }
      case CLAIM:
        {
          int v = (r.u8("claim") << 8) | r.u8("claim");
          int n = (v >>> 14) + 1;
          if (n > Claim.MAX_IDS) {
            throw r.error("claim of " + n + " items (expected: 1 to 3)");
          }
          return new Claim(ref, v & Claim.CHECK_MASK, r.bytes(n * ItemId.LENGTH, "claim"));
        }
      default:
        throw r.error("unknown range mode " + mode);
    }
  }

  private static ChildBound childBound(Reader r, int prev) throws SyncException {
    long head = r.varint("child bound");
    long q = head >>> 5;
    int code = (int) (head & 31);
    if (q > ChildBound.MAX_Q) {
      throw r.error("child bound out of range");
    }
    int shift;
    byte[] prefix = Bound.NO_PREFIX;
    if (code == ChildBound.CODE_EXPLICIT) {
      shift = ChildBound.EXPLICIT;
      long len = r.varint("prefix length");
      if (len > ItemId.LENGTH) {
        throw r.error("prefix length " + len + " (expected: 0 to 32)");
      }
      prefix = r.bytes((int) len, "prefix");
    } else if (code == ChildBound.CODE_SHIFT) {
      long v = r.varint("shift");
      if (v > ChildBound.MAX_SHIFT) {
        throw r.error("shift " + v + " out of range");
      }
      shift = (int) v;
      if (new ChildBound(q, shift, prefix).code(prev) != ChildBound.CODE_SHIFT) {
        throw r.error("shift " + v + " written out where a difference would do");
      }
    } else {
      shift = prev + ((code & 1) == 0 ? code / 2 : -(code + 1) / 2);
      if (shift < 0 || shift > ChildBound.MAX_SHIFT) {
        throw r.error("shift " + shift + " out of range");
      }
    }
    return new ChildBound(q, shift, prefix);
  }

  /** Bounds-checked reading; every failure names the offset. */
  private static final class Reader {
    private final byte[] b;
    private int at;

    Reader(byte[] b) {
      this.b = b;
    }

    int remaining() {
      return b.length - at;
    }

    SyncException error(String what) {
      return new SyncException("malformed sync message at byte " + at + ": " + what);
    }

    int u8(String what) throws SyncException {
      if (at >= b.length) {
        throw error("truncated " + what);
      }
      return b[at++] & 0xff;
    }

    int i32(String what) throws SyncException {
      if (remaining() < 4) {
        throw error("truncated " + what);
      }
      int v =
          ((b[at] & 0xff) << 24)
              | ((b[at + 1] & 0xff) << 16)
              | ((b[at + 2] & 0xff) << 8)
              | (b[at + 3] & 0xff);
      at += 4;
      return v;
    }

    long u64(String what) throws SyncException {
      long hi = i32(what) & 0xffffffffL;
      return (hi << 32) | (i32(what) & 0xffffffffL);
    }

    long varint(String what) throws SyncException {
      int start = at;
      long v = 0;
      for (int i = 0; ; i++) {
        if (i == Varint.MAX_BYTES) {
          at = start;
          throw error(what + ": varint longer than 9 bytes");
        }
        int x = u8(what);
        if (i == 0 && x == 0x80) {
          at = start;
          throw error(what + ": varint with a leading zero digit");
        }
        v = (v << 7) | (x & 0x7f);
        if ((x & 0x80) == 0) {
          return v;
        }
      }
    }

    /** An item count: {@code 0 <= v <= 2^31 - 1}. */
    long count(String what) throws SyncException {
      long v = varint(what);
      if (v > Integer.MAX_VALUE) {
        throw error(what + " " + v + " out of range");
      }
      return v;
    }

    /** A length of things of at least {@code unit} bytes each, checked against what remains. */
    int length(int unit, String what) throws SyncException {
      long v = varint(what);
      if (v > remaining() / unit) {
        throw error(what + " " + v + " exceeds the " + remaining() + " bytes left");
      }
      return (int) v;
    }

    byte[] bytes(int n, String what) throws SyncException {
      if (n > remaining()) {
        throw error("truncated " + what);
      }
      byte[] out = Arrays.copyOfRange(b, at, at + n);
      at += n;
      return out;
    }
  }
}
