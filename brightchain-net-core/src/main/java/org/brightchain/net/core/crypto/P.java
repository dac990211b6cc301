package org.brightchain.net.core.crypto; class P {}
