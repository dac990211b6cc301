/**
 * How block metadata changes: {@link org.brightchain.net.core.internal.metadata.MetadataChanges},
 * the single gate of every write to the {@code MetadataStore}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.metadata;
