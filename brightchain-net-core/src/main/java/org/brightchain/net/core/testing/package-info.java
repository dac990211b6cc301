/**
 * Helpers to run nodes without sockets or real time: {@link
 * org.brightchain.net.core.testing.VirtualScheduler} (a scheduler and clock on virtual time) and
 * {@link org.brightchain.net.core.testing.InMemoryNetwork} (an in-memory transport). Core's own
 * tests use them, and so can a host's.
 */
package org.brightchain.net.core.testing;
