package org.brightchain.net.netty.nat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Parses XML from a gateway without DTDs, external entities or XInclude: a document with a DOCTYPE
 * is refused outright, so neither entity expansion nor a fetch of another URL can happen. weupnp
 * parses with the JDK's default SAX settings, which allow both; its handlers are used here on this
 * parser instead.
 */
final class SafeXml {
  private static final SAXParserFactory FACTORY = factory();

  private SafeXml() {}

  private static SAXParserFactory factory() {
    // The JDK's own implementation, whatever else is on the class path.
    SAXParserFactory f = SAXParserFactory.newDefaultInstance();
    f.setNamespaceAware(true);
    f.setValidating(false);
    f.setXIncludeAware(false);
    try {
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("the JDK's SAX parser cannot be made safe", e);
    }
    return f;
  }

  /** Parses {@code xml} into {@code handler}. */
  static void parse(byte[] xml, DefaultHandler handler) throws SAXException, IOException {
    SAXParser parser;
    try {
      parser = FACTORY.newSAXParser();
      parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
      parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    parser.parse(new InputSource(new ByteArrayInputStream(xml)), handler);
  }
}
