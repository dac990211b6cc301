/** Helpers shared by the contract types. Internal, not API: may change without notice. */
package org.brightchain.net.internal;
