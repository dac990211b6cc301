/**
 * The node's channel to its peers, shared by every other component: the open {@link
 * org.brightchain.net.core.internal.channel.Connections}, the {@link
 * org.brightchain.net.core.internal.channel.Outbox} (single frames, fan-out through the replay log,
 * resumption), {@link org.brightchain.net.core.internal.channel.Requests} and their answers, the
 * {@link org.brightchain.net.core.internal.channel.Signer} and its {@link
 * org.brightchain.net.core.internal.channel.HybridClock}, the seen-message ids, subscriptions,
 * listeners and counters.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.channel;
