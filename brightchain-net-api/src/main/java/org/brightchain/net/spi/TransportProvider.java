package org.brightchain.net.spi;

/**
 * Creates transports; found through {@link java.util.ServiceLoader} when the builder is not given a
 * transport. The provider with the highest {@link #priority()} wins; the system property {@code
 * brightchain.transport} can name one explicitly.
 */
public interface TransportProvider {

  /** A short unique name, for example {@code netty}. */
  String name();

  /** Higher wins when several are found. */
  default int priority() {
    return 0;
  }

  /** A new, unstarted transport. */
  Transport create(TransportSettings settings);
}
