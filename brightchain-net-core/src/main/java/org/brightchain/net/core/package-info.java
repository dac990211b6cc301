/**
 * The node engine. Start at {@link org.brightchain.net.core.BrightChainNode}: build a node with its
 * builder, start it, and use it from any thread.
 *
 * <p>Also here: the default stores ({@link org.brightchain.net.core.InMemoryMetadataStore}, {@link
 * org.brightchain.net.core.InMemoryBlockStore}, {@link
 * org.brightchain.net.core.DirectoryBlockStore}) and schedulers ({@link
 * org.brightchain.net.core.Schedulers}).
 */
package org.brightchain.net.core;
