package org.brightchain.net.netty; class P {}
