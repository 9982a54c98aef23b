# HAProxy from Debian's packages: the load balancer in front of several `wushe serve`
# processes in cmd/wushe's cluster test (TestClusterBehindHAProxy), which writes its own
# configuration and starts it on a free loopback port. Exports WUSHE_TEST_HAPROXY.

install_haproxy() {
  need_apt haproxy
  WUSHE_TEST_HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
  [ -x "$WUSHE_TEST_HAPROXY" ] || { log "haproxy not found after installing it"; return 1; }
  export WUSHE_TEST_HAPROXY
}
