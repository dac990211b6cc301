package org.brightchain.net.core;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.brightchain.net.config.BootstrapConfig;
import org.brightchain.net.core.crypto.NodeIdentity;
import org.brightchain.net.spi.BlockStore;
import org.brightchain.net.spi.MetadataStore;
import org.brightchain.net.spi.NodeEventListener;
import org.brightchain.net.spi.NodePlugin;
import org.brightchain.net.spi.Scheduler;
import org.brightchain.net.spi.TransportSettings;

/** Everything the builder decided, frozen. */
record NodeSettings(
    NodeIdentity identity,
    TransportSettings transport,
    String advertisedAddress,
    String region,
    Set<String> capabilities,
    BootstrapConfig bootstrap,
    BlockStore blockStore,
    MetadataStore metadataStore,
    Clock clock,
    Scheduler scheduler,
    boolean ownsScheduler,
    List<NodeEventListener> listeners,
    List<NodePlugin> plugins) {}
