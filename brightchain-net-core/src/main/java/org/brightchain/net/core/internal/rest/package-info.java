/**
 * The REST API: {@link org.brightchain.net.core.internal.rest.RestApi} builds a route table from
 * one routes class per resource, admitted (rate limit, authentication) and routed by {@code
 * RestRouter}; routes reach the node only through {@link
 * org.brightchain.net.core.internal.rest.NodeOperations}.
 *
 * <p><b>Internal, not API:</b> exported only to the project's own modules; names and behaviour may
 * change in any release.
 */
package org.brightchain.net.core.internal.rest;
