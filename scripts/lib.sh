# Shared shell helpers for scripts/*.sh. Source it; it defines functions only.

# log prints a timestamped progress line on stderr.
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# as_root runs a command as root, through sudo when the caller is not root.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# need_apt installs the named Debian packages that are not installed yet.
need_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "${WUSHE_APT_UPDATED:-}" ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    WUSHE_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port waits until something accepts connections on 127.0.0.1:$1 (at most $2 seconds).
wait_port() {
  local port=$1 limit=${2:-30} i=0
  while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -ge $((limit * 10)) ] && return 1
    sleep 0.1
  done
}

# on_exit registers a command to run when the script exits (last registered runs first).
WUSHE_CLEANUP=()
on_exit() { WUSHE_CLEANUP=("$*" "${WUSHE_CLEANUP[@]}"); }
run_cleanup() {
  local c
  # Each in a subshell without -e/-u, so one failing step cannot skip the others.
  for c in "${WUSHE_CLEANUP[@]}"; do (set +eu; eval "$c") || true; done
}
