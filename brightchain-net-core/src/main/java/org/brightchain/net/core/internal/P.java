package org.brightchain.net.core.internal; class P {}
