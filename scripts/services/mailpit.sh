# Mailpit, an SMTP server that keeps what it receives and shows it through an HTTP API, built
# from the Go module proxy at a pinned version. The notification tests send real e-mail to it
# and read it back. Exports WUSHE_TEST_MAILPIT_SMTP (host:port) and WUSHE_TEST_MAILPIT_API
# (http://127.0.0.1:PORT).
MAILPIT_VERSION=v1.33.1

# install_mailpit builds mailpit into $(go env GOPATH)/bin unless that exact version is there.
install_mailpit() {
  local bin
  bin="$(go env GOPATH)/bin/mailpit"
  if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null |
    grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/axllent/mailpit[[:space:]]+$MAILPIT_VERSION[[:space:]]"; then
    return 0
  fi
  log "installing mailpit $MAILPIT_VERSION"
  GOBIN="$(go env GOPATH)/bin" go install "github.com/axllent/mailpit@$MAILPIT_VERSION"
}

# start_mailpit runs mailpit on two free loopback ports (SMTP and HTTP) until the script exits.
start_mailpit() {
  local bin dir smtp http pid
  bin="$(go env GOPATH)/bin/mailpit"
  [ -x "$bin" ] || { log "mailpit not found at $bin (run install_mailpit)"; return 1; }
  dir=$(mktemp -d /tmp/wushe-mailpit.XXXXXX)
  smtp=$(free_port)
  http=$(free_port)
  # Its database lives in the temporary directory; any SMTP login is accepted (the tests
  # send without one), and it keeps up to 5,000 messages.
  "$bin" --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$http" --database "$dir/mailpit.db" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --max 5000 --disable-version-check >"$dir/log" 2>&1 &
  pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'"
  if ! wait_port "$smtp" 30 || ! wait_port "$http" 30; then
    log "mailpit did not open ports $smtp and $http; its log:"; cat "$dir/log" >&2
    return 1
  fi
  export WUSHE_TEST_MAILPIT_SMTP="127.0.0.1:$smtp"
  export WUSHE_TEST_MAILPIT_API="http://127.0.0.1:$http"
  log "mailpit $MAILPIT_VERSION on ports $smtp (SMTP) and $http (API)"
}
