package org.brightchain.net.core.testing; class P {}
