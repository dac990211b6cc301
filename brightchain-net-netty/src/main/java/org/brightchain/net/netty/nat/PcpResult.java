package org.brightchain.net.netty.nat;

import org.brightchain.net.spi.PortMappingException.Reason;

/** PCP result codes (RFC 6887 section 7.4), each with the reason it means for a node. */
enum PcpResult {
  SUCCESS(0, null),
  UNSUPP_VERSION(1, Reason.UNSUPPORTED),
  NOT_AUTHORIZED(2, Reason.DENIED),
  MALFORMED_REQUEST(3, Reason.PROTOCOL_ERROR),
  UNSUPP_OPCODE(4, Reason.UNSUPPORTED),
  UNSUPP_OPTION(5, Reason.UNSUPPORTED),
  MALFORMED_OPTION(6, Reason.PROTOCOL_ERROR),
  NETWORK_FAILURE(7, Reason.NETWORK_FAILURE),
  NO_RESOURCES(8, Reason.NO_RESOURCES),
  UNSUPP_PROTOCOL(9, Reason.UNSUPPORTED),
  USER_EX_QUOTA(10, Reason.NO_RESOURCES),
  CANNOT_PROVIDE_EXTERNAL(11, Reason.CONFLICT),
  /** The address in the request is not the one the gateway sees: another NAT sits between. */
  ADDRESS_MISMATCH(12, Reason.UNSUPPORTED),
  EXCESSIVE_REMOTE_PEERS(13, Reason.NO_RESOURCES);

  final int code;
  final Reason reason;

  PcpResult(int code, Reason reason) {
    this.code = code;
    this.reason = reason;
  }

  /** The result with this code, or {@code null} for a code RFC 6887 does not define. */
  static PcpResult of(int code) {
    for (PcpResult r : values()) {
      if (r.code == code) {
        return r;
      }
    }
    return null;
  }
}
