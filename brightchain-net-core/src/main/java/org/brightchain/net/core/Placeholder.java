package org.brightchain.net.core;
class Placeholder {}
