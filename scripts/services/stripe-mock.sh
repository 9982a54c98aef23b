# stripe-mock, Stripe's own mock of its API, built from the Go module proxy at a pinned version.
# Exports WUSHE_TEST_STRIPE_MOCK_URL.
#
# Why v0.203.0: stripe-go v76 (API version 2023-10-16) sends parameters that older mocks refuse
# (v0.162.0's 2022-11-15 spec rejects `created[gte]` when listing Checkout Sessions); v0.203.0
# accepts every request funds/stripepay makes and its responses decode with stripe-go v76.
# stripe-mock does not check the Stripe-Version header unless told to, so the newer spec is fine.
STRIPE_MOCK_VERSION=v0.203.0

# install_stripe_mock builds stripe-mock into $(go env GOPATH)/bin unless that exact version is there.
install_stripe_mock() {
  local bin
  bin="$(go env GOPATH)/bin/stripe-mock"
  # `go version -m` reads the module version stamped into the binary; -version prints "master".
  if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null |
    grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/stripe/stripe-mock[[:space:]]+$STRIPE_MOCK_VERSION[[:space:]]"; then
    return 0
  fi
  log "installing stripe-mock $STRIPE_MOCK_VERSION"
  GOBIN="$(go env GOPATH)/bin" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
}

# start_stripe_mock runs stripe-mock over plain HTTP on a free loopback port until the script exits.
start_stripe_mock() {
  local bin dir port pid
  bin="$(go env GOPATH)/bin/stripe-mock"
  [ -x "$bin" ] || { log "stripe-mock not found at $bin (run install_stripe_mock)"; return 1; }
  dir=$(mktemp -d /tmp/wushe-stripe-mock.XXXXXX)
  port=$(free_port)
  # stripe-mock also opens an HTTPS listener on :12112, on every interface, unless told where
  # to put it (-http-addr alone does not stop it); a unix socket in the temporary directory
  # keeps it off the network and out of other runs' way.
  "$bin" -http-addr "127.0.0.1:$port" -https-unix "$dir/https.sock" >"$dir/log" 2>&1 &
  pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'"
  if ! wait_port "$port" 30; then
    log "stripe-mock did not open port $port; its log:"; cat "$dir/log" >&2
    return 1
  fi
  export WUSHE_TEST_STRIPE_MOCK_URL="http://127.0.0.1:$port"
  log "stripe-mock $STRIPE_MOCK_VERSION on port $port"
}
