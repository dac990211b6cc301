/**
 * The Netty transport. Nothing to call here in the common case: with this module on the class path,
 * {@link org.brightchain.net.core.BrightChainNode.Builder#build()} finds {@link
 * org.brightchain.net.netty.NettyTransportProvider} and uses {@link
 * org.brightchain.net.netty.NettyTransport}.
 */
package org.brightchain.net.netty;
