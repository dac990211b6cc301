package org.brightchain.net.core.internal.node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.brightchain.net.spi.DiscoveryProvider;
import org.brightchain.net.spi.PortMapperProvider;
import org.brightchain.net.spi.TransportProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The extensions found through {@link ServiceLoader}: transports, port mappers, discovery providers
 * and plugins. A provider that fails to load is logged and skipped, never fatal.
 */
public final class Providers {
  private static final Logger log = LoggerFactory.getLogger(Providers.class);

  /** The system property that names the transport to use. */
  public static final String TRANSPORT_PROPERTY = "brightchain.transport";

  private Providers() {}

  /** Loads the providers of {@code type}, logging and skipping any that fail. */
  public static <T> List<T> load(Class<T> type) {
    List<T> out = new ArrayList<>();
    var it = ServiceLoader.load(type).stream().iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        out.add(it.next().get());
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        log.warn("skipping a broken {} provider: {}", type.getSimpleName(), e.toString());
      }
    }
    return out;
  }

  /**
   * The transport provider named by the system property {@value #TRANSPORT_PROPERTY}, or else the
   * one of highest priority.
   *
   * @throws IllegalStateException if there is none
   */
  public static TransportProvider transport() {
    String wanted = System.getProperty(TRANSPORT_PROPERTY);
    Optional<TransportProvider> chosen =
        load(TransportProvider.class).stream()
            .filter(p -> wanted == null || p.name().equals(wanted))
            .max(Comparator.comparingInt(TransportProvider::priority));
    return chosen.orElseThrow(
        () ->
            new IllegalStateException(
                wanted != null
                    ? "no transport named '"
                        + wanted
                        + "' (system property "
                        + TRANSPORT_PROPERTY
                        + ")"
                    : "no transport: add brightchain-net-netty to the class path, or call transport(...)"));
  }

  /** A transport made by {@code provider}, or by the one {@link #transport()} finds if null. */
  public static org.brightchain.net.spi.Transport transport(
      TransportProvider provider, org.brightchain.net.spi.TransportSettings settings) {
    return (provider != null ? provider : transport()).create(settings);
  }

  /** The port mapper provider of highest priority, or null. */
  public static PortMapperProvider portMappers() {
    return load(PortMapperProvider.class).stream()
        .max(Comparator.comparingInt(PortMapperProvider::priority))
        .orElse(null);
  }

  /** {@code added}, then (if {@code load}) those found, one of each class. */
  public static List<DiscoveryProvider> discovery(List<DiscoveryProvider> added, boolean load) {
    List<DiscoveryProvider> all = new ArrayList<>(added);
    if (load) {
      Set<String> names = new HashSet<>();
      for (DiscoveryProvider p : all) {
        names.add(p.getClass().getName());
      }
      for (DiscoveryProvider p : load(DiscoveryProvider.class)) {
        if (names.add(p.getClass().getName())) {
          all.add(p);
        }
      }
    }
    return List.copyOf(all);
  }
}
