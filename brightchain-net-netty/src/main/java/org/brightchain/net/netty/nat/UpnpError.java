package org.brightchain.net.netty.nat;

import org.brightchain.net.spi.PortMappingException.Reason;

/**
 * UPnP errors of the WANIPConnection and WANPPPConnection services (UPnP Device Architecture
 * section 3.2.2, IGD v1 and v2 service specifications), each with the reason it means for a node.
 * Codes not listed are {@link Reason#GATEWAY_ERROR}.
 */
enum UpnpError {
  INVALID_ACTION(401, Reason.UNSUPPORTED, "Invalid Action"),
  INVALID_ARGS(402, Reason.PROTOCOL_ERROR, "Invalid Args"),
  ACTION_FAILED(501, Reason.NETWORK_FAILURE, "Action Failed"),
  ARGUMENT_VALUE_INVALID(600, Reason.PROTOCOL_ERROR, "Argument Value Invalid"),
  ARGUMENT_VALUE_OUT_OF_RANGE(601, Reason.PROTOCOL_ERROR, "Argument Value Out of Range"),
  OPTIONAL_ACTION_NOT_IMPLEMENTED(602, Reason.UNSUPPORTED, "Optional Action Not Implemented"),
  OUT_OF_MEMORY(603, Reason.NO_RESOURCES, "Out of Memory"),
  HUMAN_INTERVENTION_REQUIRED(604, Reason.DENIED, "Human Intervention Required"),
  ACTION_NOT_AUTHORIZED(606, Reason.DENIED, "Action not authorized"),
  NO_SUCH_ENTRY_IN_ARRAY(714, Reason.LOST, "NoSuchEntryInArray"),
  WILDCARD_NOT_PERMITTED_IN_SRC_IP(715, Reason.UNSUPPORTED, "WildCardNotPermittedInSrcIP"),
  WILDCARD_NOT_PERMITTED_IN_EXT_PORT(716, Reason.UNSUPPORTED, "WildCardNotPermittedInExtPort"),
  CONFLICT_IN_MAPPING_ENTRY(718, Reason.CONFLICT, "ConflictInMappingEntry"),
  SAME_PORT_VALUES_REQUIRED(724, Reason.UNSUPPORTED, "SamePortValuesRequired"),
  ONLY_PERMANENT_LEASES_SUPPORTED(725, Reason.UNSUPPORTED, "OnlyPermanentLeasesSupported"),
  REMOTE_HOST_ONLY_SUPPORTS_WILDCARD(726, Reason.UNSUPPORTED, "RemoteHostOnlySupportsWildcard"),
  EXTERNAL_PORT_ONLY_SUPPORTS_WILDCARD(727, Reason.UNSUPPORTED, "ExternalPortOnlySupportsWildcard"),
  NO_PORT_MAPS_AVAILABLE(728, Reason.NO_RESOURCES, "NoPortMapsAvailable"),
  CONFLICT_WITH_OTHER_MECHANISMS(729, Reason.CONFLICT, "ConflictWithOtherMechanisms"),
  WILDCARD_NOT_PERMITTED_IN_INT_PORT(732, Reason.UNSUPPORTED, "WildCardNotPermittedInIntPort");

  final int code;
  final Reason reason;
  final String text;

  UpnpError(int code, Reason reason, String text) {
    this.code = code;
    this.reason = reason;
    this.text = text;
  }

  /** The error with this code, or {@code null} for one not listed. */
  static UpnpError of(int code) {
    for (UpnpError e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    return null;
  }
}
