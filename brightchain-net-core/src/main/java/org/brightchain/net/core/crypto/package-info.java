/**
 * Node identity and signatures.
 *
 * <p>{@link org.brightchain.net.core.crypto.NodeIdentity} is a node's key pair and id; {@link
 * org.brightchain.net.core.crypto.MessageSigning} defines the exact bytes a signature covers and
 * signs and checks messages; {@link org.brightchain.net.core.crypto.SignatureSchemes} offers
 * secp256k1 (BrightChain's, the default) and Ed25519.
 */
package org.brightchain.net.core.crypto;
