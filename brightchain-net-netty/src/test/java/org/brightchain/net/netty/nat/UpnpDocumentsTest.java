package org.brightchain.net.netty.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.brightchain.net.spi.PortMappingException;
import org.brightchain.net.spi.PortMappingException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a UPnP gateway sends: SSDP answers, device descriptions and SOAP answers, read with weupnp's
 * handlers on the hardened parser. Hostile documents are refused, never followed.
 */
class UpnpDocumentsTest {
  private static final Inet4Address GATEWAY = LocalNetwork.literal("192.168.77.1").orElseThrow();
  private static final LocalNetwork.Subnet LAN = lan();
  private static final SsdpSearch.Found FOUND =
      new SsdpSearch.Found(
          GATEWAY,
          URI.create("http://192.168.77.1:5000/rootDesc.xml"),
          "urn:schemas-upnp-org:device:InternetGatewayDevice:1");

  @TempDir Path tmp;

  private static LocalNetwork.Subnet lan() {
    try {
      return new LocalNetwork.Subnet(
          LocalNetwork.literal("192.168.77.10").orElseThrow(), 24, NetworkInterface.getByIndex(1));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = UpnpDocumentsTest.class.getResourceAsStream("/nat/" + name)) {
      return in.readAllBytes();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void miniupnpdsDescriptionGivesTheControlUrlOnTheGateway() throws Exception {
    UpnpPortMapper.Igd d =
        UpnpPortMapper.description(LAN, FOUND, resource("miniupnpd-rootDesc.xml"));
    assertEquals(URI.create("http://192.168.77.1:5000/ctl/IPConn"), d.control());
    assertEquals("urn:schemas-upnp-org:service:WANIPConnection:2", d.serviceType());
    assertEquals("Debian router", d.name());
  }

  private static String description(String urlBase, String controlUrl) {
    return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\">"
        + (urlBase == null ? "" : "<URLBase>" + urlBase + "</URLBase>")
        + "<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType><friendlyName>r</friendlyName>"
        + "<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>"
        // weupnp's handler expects the standard layout: WANCommonInterfaceConfig, then the
        // connection.
        + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>"
        + "<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId><controlURL>/cif</controlURL><eventSubURL>/e</eventSubURL>"
        + "<SCPDURL>/c.xml</SCPDURL></service></serviceList><deviceList><device>"
        + "<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service>"
        + "<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>"
        + "<controlURL>"
        + controlUrl
        + "</controlURL><eventSubURL>/evt</eventSubURL><SCPDURL>/scpd.xml</SCPDURL>"
        + "</service></serviceList></device></deviceList></device></deviceList></device></root>";
  }

  @Test
  void relativeControlUrlsResolveAgainstUrlBaseOrTheLocation() throws Exception {
    assertEquals(
        URI.create("http://192.168.77.1:5000/upnp/control/WANIPConn1"),
        UpnpPortMapper.description(LAN, FOUND, utf8(description(null, "/upnp/control/WANIPConn1")))
            .control());
    assertEquals(
        URI.create("http://192.168.77.1:49152/ctl"),
        UpnpPortMapper.description(
                LAN, FOUND, utf8(description("http://192.168.77.1:49152/", "ctl")))
            .control());
  }

  @Test
  void aControlUrlAwayFromTheGatewayIsNotTrusted() {
    for (String[] bad :
        new String[][] {
          {null, "http://10.0.0.5/ctl"},
          {"http://203.0.113.9:80/", "/ctl"},
          {null, "https://192.168.77.1/ctl"},
          {null, "http://admin:pw@192.168.77.1/ctl"},
          {null, "http://router.example/ctl"}
        }) {
      PortMappingException e =
          assertThrows(
              PortMappingException.class,
              () -> UpnpPortMapper.description(LAN, FOUND, utf8(description(bad[0], bad[1]))),
              bad[1]);
      assertEquals(Reason.UNTRUSTED, e.reason(), e.getMessage());
    }
  }

  @Test
  void externalEntitiesAreNeverFetched() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "s3cr3t");
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]>"
            + description(null, "/ctl&x;").substring("<?xml version=\"1.0\"?>".length());
    PortMappingException e =
        assertThrows(
            PortMappingException.class, () -> UpnpPortMapper.description(LAN, FOUND, utf8(xxe)));
    assertEquals(Reason.PROTOCOL_ERROR, e.reason());
    assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"));
  }

  @Test
  void theDefaultParserWeupnpUsesWouldHaveReadTheFile() throws Exception {
    // Why weupnp's own network code is not used: its parser resolves external entities.
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "s3cr3t");
    String soap =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]>"
            + "<r><NewExternalIPAddress>&x;</NewExternalIPAddress></r>";
    Map<String, String> values = new java.util.HashMap<>();
    javax.xml.parsers.SAXParserFactory f = javax.xml.parsers.SAXParserFactory.newDefaultInstance();
    f.setNamespaceAware(true);
    f.newSAXParser()
        .parse(
            new java.io.ByteArrayInputStream(utf8(soap)),
            new org.bitlet.weupnp.NameValueHandler(values));
    assertEquals("s3cr3t", values.get("NewExternalIPAddress"));
    assertThrows(
        PortMappingException.class,
        () -> UpnpPortMapper.soapAnswer("GetExternalIPAddress", 200, utf8(soap)));
  }

  @Test
  void entityExpansionIsRefusedToo() {
    String laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><r>&b;</r>";
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.description(LAN, FOUND, utf8(laughs)))
            .reason());
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.soapAnswer("GetExternalIPAddress", 200, utf8(laughs)))
            .reason());
  }

  @Test
  void aDeviceWithoutAWanConnectionIsUnsupported() {
    String printer = description(null, "/ctl").replace("WANIPConnection:1", "PrintBasic:1");
    assertEquals(
        Reason.UNSUPPORTED,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.description(LAN, FOUND, utf8(printer)))
            .reason());
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.description(LAN, FOUND, utf8("<root><device>")))
            .reason());
  }

  private static String fault(int code, String text) {
    return "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault><faultcode>s:Client</faultcode>"
        + "<faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>"
        + code
        + "</errorCode><errorDescription>"
        + text
        + "</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>";
  }

  @Test
  void upnpErrorsAreTypedErrors() throws Exception {
    PortMappingException e =
        assertThrows(
            PortMappingException.class,
            () ->
                UpnpPortMapper.soapAnswer(
                    "GetSpecificPortMappingEntry", 500, resource("miniupnpd-fault-714.xml")));
    assertEquals(Reason.LOST, e.reason());
    assertEquals(714, e.code());
    assertEquals(
        "GetSpecificPortMappingEntry refused: 714 NoSuchEntryInArray (NoSuchEntryInArray)",
        e.getMessage());
    for (UpnpError known : UpnpError.values()) {
      PortMappingException k =
          assertThrows(
              PortMappingException.class,
              () ->
                  UpnpPortMapper.soapAnswer(
                      "AddPortMapping", 500, utf8(fault(known.code, known.text))));
      assertEquals(known.reason, k.reason());
      assertEquals(known.code, k.code());
    }
    assertEquals(
        Reason.DENIED,
        assertThrows(
                PortMappingException.class,
                () ->
                    UpnpPortMapper.soapAnswer(
                        "AddPortMapping", 500, utf8(fault(606, "Action not authorized"))))
            .reason());
    assertEquals(
        Reason.CONFLICT,
        assertThrows(
                PortMappingException.class,
                () ->
                    UpnpPortMapper.soapAnswer(
                        "AddPortMapping", 500, utf8(fault(718, "ConflictInMappingEntry"))))
            .reason());
    PortMappingException odd =
        assertThrows(
            PortMappingException.class,
            () ->
                UpnpPortMapper.soapAnswer(
                    "AddPortMapping", 500, utf8(fault(899, "Vendor\u00e9 thing"))));
    assertEquals(Reason.GATEWAY_ERROR, odd.reason());
    assertEquals("AddPortMapping refused: 899 (Vendor? thing)", odd.getMessage());
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () ->
                    UpnpPortMapper.soapAnswer(
                        "AddPortMapping",
                        500,
                        utf8(fault(0, "x").replace("<errorCode>0", "<errorCode>abc"))))
            .reason());
  }

  @Test
  void otherBadAnswersAreTypedToo() throws Exception {
    assertEquals(
        Reason.GATEWAY_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.soapAnswer("AddPortMapping", 503, utf8("<html>busy</html>")))
            .reason());
    assertEquals(
        Reason.PROTOCOL_ERROR,
        assertThrows(
                PortMappingException.class,
                () -> UpnpPortMapper.soapAnswer("AddPortMapping", 200, utf8("not xml at all")))
            .reason());
    Map<String, String> ok =
        UpnpPortMapper.soapAnswer(
            "GetExternalIPAddress",
            200,
            utf8(
                "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:GetExternalIPAddressResponse "
                    + "xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalIPAddress>198.51.100.1</NewExternalIPAddress>"
                    + "</u:GetExternalIPAddressResponse></s:Body></s:Envelope>"));
    assertEquals("198.51.100.1", ok.get("NewExternalIPAddress"));
  }

  @Test
  void soapArgumentsAreEscaped() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("NewPortMappingDescription", "a<b>&\"c\"</NewPortMappingDescription><x>");
    String xml =
        UpnpPortMapper.envelope(
            "urn:schemas-upnp-org:service:WANIPConnection:1", "AddPortMapping", args);
    assertTrue(
        xml.contains(
            "<NewPortMappingDescription>a&lt;b&gt;&amp;&quot;c&quot;&lt;/NewPortMappingDescription&gt;&lt;x&gt;</NewPortMappingDescription>"),
        xml);
  }

  @Test
  void ssdpAnswersCountOnlyFromTheGatewayAndPointingAtIt() {
    String ok =
        "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
            + "USN: uuid:x\r\nLOCATION: http://192.168.77.1:5000/rootDesc.xml\r\n\r\n";
    assertEquals(
        URI.create("http://192.168.77.1:5000/rootDesc.xml"),
        SsdpSearch.parse(GATEWAY, ok, LAN, GATEWAY).orElseThrow().location());
    assertTrue(
        SsdpSearch.parse(GATEWAY, ok, LAN, null).isPresent(),
        "no gateway known: any device on the subnet");
    Inet4Address neighbour = LocalNetwork.literal("192.168.77.50").orElseThrow();
    assertFalse(
        SsdpSearch.parse(neighbour, ok.replace("192.168.77.1", "192.168.77.50"), LAN, GATEWAY)
            .isPresent(),
        "not the gateway");
    Inet4Address far = LocalNetwork.literal("10.9.9.9").orElseThrow();
    assertFalse(
        SsdpSearch.parse(far, ok.replace("192.168.77.1", "10.9.9.9"), LAN, null).isPresent(),
        "not on the subnet");
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("192.168.77.1:5000", "10.0.0.5:5000"), LAN, GATEWAY)
            .isPresent(),
        "points elsewhere");
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("http://", "https://"), LAN, GATEWAY).isPresent());
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("http://", "http://u:p@"), LAN, GATEWAY).isPresent());
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("192.168.77.1:5000", "router.lan:5000"), LAN, GATEWAY)
            .isPresent());
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("LOCATION", "X-LOC"), LAN, GATEWAY).isPresent());
    assertFalse(
        SsdpSearch.parse(
                GATEWAY,
                "NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.77.1:5000/\r\n\r\n",
                LAN,
                GATEWAY)
            .isPresent());
    assertFalse(
        SsdpSearch.parse(GATEWAY, ok.replace("rootDesc.xml", "root desc"), LAN, GATEWAY)
            .isPresent(),
        "bad URL");
  }
}
