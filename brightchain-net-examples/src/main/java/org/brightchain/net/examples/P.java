package org.brightchain.net.examples; class P {}
