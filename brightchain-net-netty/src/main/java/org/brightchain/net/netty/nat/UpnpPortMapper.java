package org.brightchain.net.netty.nat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bitlet.weupnp.GatewayDevice;
import org.bitlet.weupnp.GatewayDeviceHandler;
import org.bitlet.weupnp.NameValueHandler;
import org.brightchain.net.config.UPNPConfig;
import org.brightchain.net.internal.LogText;
import org.brightchain.net.spi.PortMapper;
import org.brightchain.net.spi.PortMapping;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xml.sax.SAXException;

/**
 * UPnP Internet Gateway Device, through weupnp's device model: weupnp's {@link
 * GatewayDeviceHandler} reads the device description into a {@link GatewayDevice} (which service to
 * use, its control URL) and its {@link NameValueHandler} reads SOAP answers and UPnP errors.
 *
 * <p>The network side is done here instead of through weupnp's own {@code GatewayDiscover} and
 * {@code GatewayDevice.simpleUPnPcommand}, which parse gateway XML with DTDs and external entities
 * allowed, have no connect timeout on the description, take their read timeout from one global
 * setting, accept any device that answers the search and follow its URLs anywhere, do not escape
 * SOAP arguments, and reduce every UPnP error to {@code false}. Here: {@link SsdpSearch} (only the
 * gateway, or the local subnet), {@link GatewayHttp} (timeouts, size cap, no proxy, no redirects),
 * {@link SafeXml} (no DTDs), and every UPnP error code becomes a typed {@link
 * PortMappingException}.
 */
final class UpnpPortMapper implements PortMapper {
  private static final Logger log = LoggerFactory.getLogger(UpnpPortMapper.class);
  static final String METHOD = "upnp";
  private static final int CONFLICT_RETRIES = 3;

  private final NatContext ctx;
  private final GatewayHttp http;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Igd device;
  private volatile boolean heard;

  /** A gateway's WAN connection service, checked. */
  record Igd(
      Inet4Address gateway,
      LocalNetwork.Subnet local,
      URI control,
      String serviceType,
      String name) {}

  UpnpPortMapper(NatContext ctx) {
    this.ctx = ctx;
    this.http = new GatewayHttp(ctx.config.requestTimeout(), METHOD);
  }

  @Override
  public String name() {
    return METHOD;
  }

  @Override
  public CompletableFuture<PortMapping> map(UPNPConfig request) {
    return ctx.run(
        name(),
        () ->
            guarded(
                () -> {
                  Igd d = device();
                  String external = externalAddress(d);
                  int port = request.port();
                  for (int attempt = 0; ; attempt++) {
                    try {
                      add(
                          d,
                          port,
                          request.protocol(),
                          request.port(),
                          request.ttl(),
                          request.description());
                      break;
                    } catch (PortMappingException e) {
                      if (e.reason() != Reason.CONFLICT || attempt == CONFLICT_RETRIES) {
                        throw e;
                      }
                      int taken = port;
                      port = ThreadLocalRandom.current().nextInt(1024, 65536);
                      log.info(
                          "upnp: external port {} is taken ({}); trying {}",
                          taken,
                          LogText.safe(e.getMessage()),
                          port);
                    }
                  }
                  Duration lease =
                      grantedLease(d, port, request.protocol(), request.port(), request.ttl());
                  return new PortMapping(
                      name(),
                      request.protocol(),
                      d.local().address().getHostAddress(),
                      request.port(),
                      external,
                      port,
                      lease,
                      d.gateway().getHostAddress());
                }));
  }

  @Override
  public CompletableFuture<PortMapping> renew(PortMapping m) {
    return ctx.run(
        name(),
        () ->
            guarded(
                () -> {
                  Igd d = device();
                  try {
                    add(
                        d,
                        m.externalPort(),
                        m.protocol(),
                        m.internalPort(),
                        ctx.config.lease(),
                        ctx.config.description());
                  } catch (PortMappingException e) {
                    if (e.reason() == Reason.CONFLICT) {
                      // Someone else holds the port now: ours is gone, map again.
                      throw new PortMappingException(
                          Reason.LOST,
                          name(),
                          e.code(),
                          "external port " + m.externalPort() + " was taken: " + e.getMessage(),
                          e);
                    }
                    throw e;
                  }
                  Duration lease =
                      grantedLease(
                          d, m.externalPort(), m.protocol(), m.internalPort(), ctx.config.lease());
                  return new PortMapping(
                      name(),
                      m.protocol(),
                      m.internalAddress(),
                      m.internalPort(),
                      m.externalAddress(),
                      m.externalPort(),
                      lease,
                      m.gateway());
                }));
  }

  @Override
  public CompletableFuture<PortMapping> check(PortMapping m) {
    return ctx.run(
        name(),
        () ->
            guarded(
                () -> {
                  Igd d = device();
                  Map<String, String> entry = entry(d, m.externalPort(), m.protocol());
                  if (!m.internalAddress().equals(entry.getOrDefault("NewInternalClient", ""))
                      || !String.valueOf(m.internalPort())
                          .equals(entry.getOrDefault("NewInternalPort", "").trim())) {
                    throw new PortMappingException(
                        Reason.LOST,
                        name(),
                        -1,
                        "external port "
                            + m.externalPort()
                            + " now goes to "
                            + Texts.clean(entry.get("NewInternalClient"), 64)
                            + ":"
                            + Texts.clean(entry.get("NewInternalPort"), 8),
                        null);
                  }
                  String external = externalAddress(d);
                  return external.equals(m.externalAddress()) ? m : m.withExternalAddress(external);
                }));
  }

  @Override
  public CompletableFuture<Void> unmap(PortMapping m) {
    return ctx.run(
        name(),
        () ->
            guarded(
                () -> {
                  Igd d = device();
                  Map<String, String> args = new LinkedHashMap<>();
                  args.put("NewRemoteHost", "");
                  args.put("NewExternalPort", String.valueOf(m.externalPort()));
                  args.put("NewProtocol", m.protocol().name());
                  try {
                    soap(d, "DeletePortMapping", args);
                  } catch (PortMappingException e) {
                    if (e.reason() != Reason.LOST) {
                      throw e;
                    }
                    log.debug("upnp: port {} was already gone", m.externalPort());
                  }
                  return null;
                }));
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      ctx.release();
    }
  }

  // ------------------------------------------------------------------ actions

  private void add(
      Igd d,
      int externalPort,
      UPNPConfig.Protocol protocol,
      int internalPort,
      Duration lease,
      String description)
      throws PortMappingException {
    // The argument order of the service description: some gateways insist on it.
    Map<String, String> args = new LinkedHashMap<>();
    args.put("NewRemoteHost", "");
    args.put("NewExternalPort", String.valueOf(externalPort));
    args.put("NewProtocol", protocol.name());
    args.put("NewInternalPort", String.valueOf(internalPort));
    args.put("NewInternalClient", d.local().address().getHostAddress());
    args.put("NewEnabled", "1");
    args.put("NewPortMappingDescription", description);
    // Never 0, which means "permanent" in IGD v1.
    args.put("NewLeaseDuration", String.valueOf(NatPmpPortMapper.seconds(lease)));
    soap(d, "AddPortMapping", args);
  }

  private Map<String, String> entry(Igd d, int externalPort, UPNPConfig.Protocol protocol)
      throws PortMappingException {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("NewRemoteHost", "");
    args.put("NewExternalPort", String.valueOf(externalPort));
    args.put("NewProtocol", protocol.name());
    return soap(d, "GetSpecificPortMappingEntry", args);
  }

  /** The lease the gateway reports for a new mapping, which also proves that it holds it. */
  private Duration grantedLease(
      Igd d, int externalPort, UPNPConfig.Protocol protocol, int internalPort, Duration asked)
      throws PortMappingException {
    Map<String, String> e = entry(d, externalPort, protocol);
    if (!String.valueOf(internalPort).equals(e.getOrDefault("NewInternalPort", "").trim())) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          name(),
          -1,
          "the gateway accepted the mapping of port "
              + externalPort
              + " but lists it for port "
              + Texts.clean(e.get("NewInternalPort"), 8),
          null);
    }
    try {
      long s = Long.parseLong(e.getOrDefault("NewLeaseDuration", "").trim());
      if (s > 0 && s <= asked.getSeconds()) {
        return Duration.ofSeconds(s);
      }
    } catch (NumberFormatException ignored) {
      // not reported: assume what was asked
    }
    return asked;
  }

  private String externalAddress(Igd d) throws PortMappingException {
    Map<String, String> v = soap(d, "GetExternalIPAddress", new LinkedHashMap<>());
    String a = v.getOrDefault("NewExternalIPAddress", "").trim();
    Inet4Address ip =
        LocalNetwork.literal(a)
            .orElseThrow(
                () ->
                    new PortMappingException(
                        Reason.PROTOCOL_ERROR,
                        name(),
                        -1,
                        "the gateway's external address '"
                            + Texts.clean(a, 64)
                            + "' is not an IPv4 address",
                        null));
    if (ip.isAnyLocalAddress()) {
      throw new PortMappingException(
          Reason.NETWORK_FAILURE,
          name(),
          -1,
          "the gateway has no external address (0.0.0.0)",
          null);
    }
    return ip.getHostAddress();
  }

  /** Calls a SOAP action of the WAN connection service; a UPnP error becomes its reason. */
  private Map<String, String> soap(Igd d, String action, Map<String, String> args)
      throws PortMappingException {
    GatewayHttp.Response r =
        http.post(
            d.control(),
            d.serviceType() + "#" + action,
            envelope(d.serviceType(), action, args),
            ctx.config.requestTimeout(),
            heard);
    heard = true;
    return soapAnswer(action, r.status(), r.body());
  }

  /** The values of a SOAP answer, or the UPnP error it carries as a typed exception. */
  static Map<String, String> soapAnswer(String action, int status, byte[] body)
      throws PortMappingException {
    Map<String, String> values = new HashMap<>();
    try {
      SafeXml.parse(body, new NameValueHandler(values));
    } catch (SAXException | IOException e) {
      throw new PortMappingException(
          status == 200 ? Reason.PROTOCOL_ERROR : Reason.GATEWAY_ERROR,
          METHOD,
          -1,
          action + ": unreadable answer (HTTP " + status + "): " + Texts.clean(e.getMessage(), 160),
          e);
    }
    if (status == 200 && !values.containsKey("errorCode")) {
      return values;
    }
    String codeText = values.get("errorCode");
    if (codeText == null) {
      throw new PortMappingException(
          Reason.GATEWAY_ERROR, METHOD, -1, action + ": HTTP " + status, null);
    }
    int code;
    try {
      code = Integer.parseInt(codeText.trim());
    } catch (NumberFormatException e) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          METHOD,
          -1,
          action + ": error code '" + Texts.clean(codeText, 16) + "'",
          null);
    }
    UpnpError known = UpnpError.of(code);
    String said = Texts.clean(values.get("errorDescription"), 120);
    String text =
        action
            + " refused: "
            + code
            + (known != null ? " " + known.text : "")
            + (said.isEmpty() ? "" : " (" + said + ")");
    throw new PortMappingException(
        known != null ? known.reason : Reason.GATEWAY_ERROR, METHOD, code, text, null);
  }

  static String envelope(String serviceType, String action, Map<String, String> args) {
    StringBuilder b = new StringBuilder(512);
    b.append("<?xml version=\"1.0\"?>\r\n")
        .append("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" ")
        .append("s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>")
        .append("<u:")
        .append(action)
        .append(" xmlns:u=\"")
        .append(escape(serviceType))
        .append("\">");
    args.forEach(
        (k, v) ->
            b.append('<')
                .append(k)
                .append('>')
                .append(escape(v))
                .append("</")
                .append(k)
                .append('>'));
    return b.append("</u:").append(action).append("></s:Body></s:Envelope>\r\n").toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c < 0x20 ? ' ' : c);
      }
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ discovery

  /** A gateway exchange whose failure may mean the device moved: forget it then. */
  private <T> T guarded(NatContext.Exchange<T> work) throws PortMappingException {
    try {
      return work.run();
    } catch (PortMappingException e) {
      switch (e.reason()) {
        case NO_GATEWAY, TIMEOUT, GATEWAY_ERROR, PROTOCOL_ERROR, UNTRUSTED -> device = null;
        default -> {}
      }
      throw e;
    }
  }

  private Igd device() throws PortMappingException {
    Igd d = device;
    if (d != null) {
      return d;
    }
    List<LocalNetwork.Subnet> where = new ArrayList<>();
    Inet4Address expected = null;
    try {
      LocalNetwork.Lan lan = LocalNetwork.resolve(ctx.config.gateway(), ctx.bindHost, name());
      where.add(lan.local());
      expected = lan.gateway();
    } catch (PortMappingException e) {
      if (!ctx.config.gateway().isEmpty()
          || e.reason() != Reason.NO_GATEWAY
          || !e.getMessage().startsWith("no default gateway")) {
        throw e;
      }
      // No routing table to read (not Linux): search every local subnet, trust what is on it.
      for (LocalNetwork.Subnet s : LocalNetwork.subnets()) {
        if (LocalNetwork.wildcard(ctx.bindHost)
            || s.address().getHostAddress().equals(ctx.bindHost)) {
          where.add(s);
        }
      }
    }
    PortMappingException last = null;
    int answers = 0;
    for (LocalNetwork.Subnet s : where) {
      List<SsdpSearch.Found> found;
      try {
        found = SsdpSearch.search(s, expected, ctx.config.discoveryTimeout());
      } catch (IOException e) {
        last =
            new PortMappingException(
                Reason.NO_GATEWAY,
                name(),
                -1,
                "SSDP search on " + s + " failed: " + e.getMessage(),
                e);
        continue;
      }
      answers += found.size();
      for (SsdpSearch.Found f : found) {
        try {
          d = describe(s, f);
          log.info(
              "upnp: gateway {} ({}) at {}",
              d.gateway().getHostAddress(),
              LogText.safe(d.name()),
              LogText.safe(d.control()));
          device = d;
          return d;
        } catch (PortMappingException e) {
          log.info(
              "upnp: {} is not usable: {}",
              LogText.safe(f.location()),
              LogText.safe(e.getMessage()));
          last = e;
        }
      }
    }
    if (last != null) {
      throw last;
    }
    throw new PortMappingException(
        Reason.NO_GATEWAY,
        name(),
        -1,
        answers == 0
            ? "no UPnP gateway answered an SSDP search within "
                + ctx.config.discoveryTimeout().toMillis()
                + " ms"
            : "no usable UPnP gateway",
        null);
  }

  private Igd describe(LocalNetwork.Subnet local, SsdpSearch.Found f) throws PortMappingException {
    GatewayHttp.Response r = http.get(f.location(), ctx.config.requestTimeout(), false);
    heard = true;
    if (r.status() != 200) {
      throw new PortMappingException(
          Reason.GATEWAY_ERROR, name(), -1, "device description: HTTP " + r.status(), null);
    }
    return description(local, f, r.body());
  }

  /**
   * A device description, read with weupnp's handler and checked: the service, and a control URL on
   * the gateway.
   */
  static Igd description(LocalNetwork.Subnet local, SsdpSearch.Found f, byte[] body)
      throws PortMappingException {
    GatewayDevice gd = new GatewayDevice();
    try {
      SafeXml.parse(body, new GatewayDeviceHandler(gd));
    } catch (SAXException | IOException e) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          METHOD,
          -1,
          "unreadable device description: " + Texts.clean(e.getMessage(), 160),
          e);
    }
    String service = gd.getServiceType();
    String controlUrl = gd.getControlURL();
    if (service == null
        || controlUrl == null
        || controlUrl.isBlank()
        || !(service.contains(":service:WANIPConnection:")
            || service.contains(":service:WANPPPConnection:"))) {
      throw new PortMappingException(
          Reason.UNSUPPORTED,
          METHOD,
          -1,
          "the device has no WANIPConnection or WANPPPConnection service",
          null);
    }
    URI control;
    try {
      String base =
          gd.getURLBase() != null && !gd.getURLBase().isBlank()
              ? gd.getURLBase().trim()
              : f.location().toString();
      URI c = new URI(controlUrl.trim());
      control = c.isAbsolute() ? c : new URI(base).resolve(c);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new PortMappingException(
          Reason.PROTOCOL_ERROR,
          METHOD,
          -1,
          "bad control URL '" + Texts.clean(controlUrl, 200) + "'",
          e);
    }
    if (!"http".equalsIgnoreCase(control.getScheme())
        || control.getRawUserInfo() != null
        || control.getHost() == null
        || !LocalNetwork.literal(control.getHost()).map(f.from()::equals).orElse(false)) {
      throw new PortMappingException(
          Reason.UNTRUSTED,
          METHOD,
          -1,
          "the control URL "
              + Texts.clean(control.toString(), 200)
              + " is not on the gateway "
              + f.from().getHostAddress(),
          null);
    }
    return new Igd(
        f.from(), local, control, Texts.clean(service, 200), Texts.clean(gd.getFriendlyName(), 64));
  }
}
