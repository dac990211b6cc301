/** Contracts of brightchain-net: value types, messages, settings and extension points. */
module org.brightchain.net.api {
  exports org.brightchain.net;
  exports org.brightchain.net.config;
  exports org.brightchain.net.message;
  exports org.brightchain.net.spi;
  // Shared by the project's own modules only.
  exports org.brightchain.net.internal to
      org.brightchain.net.core,
      org.brightchain.net.netty;
}
