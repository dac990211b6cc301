package org.brightchain.net.netty.nat;

import org.brightchain.net.spi.PortMappingException.Reason;

/** NAT-PMP result codes (RFC 6886 section 3.5), each with the reason it means for a node. */
enum NatPmpResult {
  SUCCESS(0, null, "success"),
  UNSUPPORTED_VERSION(1, Reason.UNSUPPORTED, "unsupported version"),
  NOT_AUTHORIZED(2, Reason.DENIED, "not authorized/refused"),
  NETWORK_FAILURE(3, Reason.NETWORK_FAILURE, "network failure (the gateway has no public address)"),
  OUT_OF_RESOURCES(4, Reason.NO_RESOURCES, "out of resources"),
  UNSUPPORTED_OPCODE(5, Reason.UNSUPPORTED, "unsupported opcode");

  final int code;
  final Reason reason;
  final String text;

  NatPmpResult(int code, Reason reason, String text) {
    this.code = code;
    this.reason = reason;
    this.text = text;
  }

  /** The result with this code, or {@code null} for a code RFC 6886 does not define. */
  static NatPmpResult of(int code) {
    for (NatPmpResult r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
