#!/usr/bin/env bash
# Builds the Go yardstick provider (registry source peers/goprov, resource peer_thing) into OUT_DIR.
# Usage: build.sh OUT_DIR [TFPLUGIN6_PROTO]   (default proto: provider/protocol/proto/tfplugin6.proto)
# Uses only Debian packages: Go 1.19, hashicorp/go-plugin, grpc-go, go-cty, protoc and its Go plugins.
# protoc-gen-go 1.28 writes code for the google.golang.org/protobuf API, so that package and the
# golang/protobuf 1.5 shim (which grpc-go's codec then uses) are needed too: with golang/protobuf
# 1.3 the provider panics on its first call ("protobuf tag not enough fields").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:?usage: build.sh OUT_DIR [TFPLUGIN6_PROTO]}" && cd "$1" && pwd)
proto=$(cd "$(dirname "${2:-provider/protocol/proto/tfplugin6.proto}")" && pwd)/$(basename "${2:-tfplugin6.proto}")
pkgs="golang-go golang-github-hashicorp-go-plugin-dev golang-google-grpc-dev golang-github-zclconf-go-cty-dev protobuf-compiler protoc-gen-go protoc-gen-go-grpc golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev"
missing=0
for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing=1; done
if [ "$missing" = 1 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/gopath/src/goprov
mkdir -p "$src/tfplugin6"
cp "$here/main.go" "$src/"
# Point the proto's Go package at this build's import path.
sed -e '/^option go_package/d' -e 's/^package tfplugin6;/package tfplugin6;\noption go_package = "goprov\/tfplugin6";/' "$proto" > "$src/tfplugin6/tfplugin6.proto"
(cd "$src/tfplugin6" && protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative tfplugin6.proto)
cd "$src"
GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/cache" GOFLAGS= go build -o "$out/terraform-provider-goprov_v0.1.0" .
echo "built $out/terraform-provider-goprov_v0.1.0"
