#!/usr/bin/env bash
# scripts/release.sh (`make release`): the release in dist/ —
#   jindu-linux-amd64 jindu-linux-arm64 jindu-linux-loong64
#   jindu-windows-amd64.exe
#   jindu_<version>-1_{amd64,arm64,loong64}.deb
#   jindu-<version>-1.{x86_64,aarch64,loongarch64}.rpm
#   SHA256SUMS
# Reproducible: the same commit gives the same bytes, wherever it is
# checked out and built (the same Go release): -trimpath, no VCS stamp or
# build time in the binaries, cgo off, packages dated by the commit
# (SOURCE_DATE_EPOCH). The version is `git describe`; ECharts must already
# be in web/static/vendor (`make assets`, which `make release` runs first).
#
# Environment: DIST (default dist), GO (go), TARGETS (GOOS/GOARCH list),
# PACKAGES (architectures to package; empty for none), VERSION, COMMIT,
# SOURCE_DATE_EPOCH (default: from git).
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

GO=${GO:-go}
DIST=${DIST:-dist}
TARGETS=${TARGETS-linux/amd64 linux/arm64 linux/loong64 windows/amd64}
PACKAGES=${PACKAGES-amd64 arm64 loong64}
VERSION=${VERSION:-$(git describe --tags --always --dirty)}
COMMIT=${COMMIT:-$(git rev-parse HEAD)}
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
export SOURCE_DATE_EPOCH

case "$VERSION" in
*-dirty) echo "release: warning: the work tree has uncommitted changes ($VERSION): this build cannot be reproduced from a commit" >&2 ;;
esac
if [ ! -s web/static/vendor/echarts.min.js ]; then
	echo "release: web/static/vendor/echarts.min.js is missing: run make assets (make release does)" >&2
	exit 1
fi

# pkg_version turns `git describe` into a version dpkg and rpm order
# correctly: v1.2.0 → 1.2.0, v1.2.0-rc1 → 1.2.0~rc1 (before 1.2.0),
# v1.2.0-4-gabc1234 → 1.2.0+4.gabc1234 (after it); without a tag,
# 0.0.0+<commits>.g<hash>. A dirty tree adds .dirty.
pkg_version() {
	local v=${1#v} dirty="" tail=""
	case "$v" in *-dirty) v=${v%-dirty} dirty=.dirty ;; esac
	if [[ $v =~ ^(.*)-([0-9]+)-g([0-9a-f]+)$ ]]; then
		v=${BASH_REMATCH[1]} tail=+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}
	fi
	if [[ ! $v =~ ^[0-9]+(\.[0-9]+)*(-[0-9A-Za-z.]+)?$ ]]; then # no tag
		v=0.0.0 tail=+$(git rev-list --count HEAD).g$(git rev-parse --short HEAD)
	fi
	v=${v/-/\~}
	if [ -n "$dirty" ]; then
		if [ -n "$tail" ]; then tail=$tail$dirty; else tail=+dirty; fi
	fi
	echo "$v$tail"
}

rm -rf "$DIST"
mkdir -p "$DIST"
DIST=$(cd "$DIST" && pwd)

ldflags="-s -w -X main.version=$VERSION -X main.commit=$COMMIT"
for t in $TARGETS; do
	os=${t%/*} arch=${t#*/}
	out=$DIST/jindu-$os-$arch
	[ "$os" = windows ] && out=$out.exe
	echo "release: $out ($VERSION)"
	# The default instruction-set levels, pinned so that a builder's
	# environment cannot change the output.
	CGO_ENABLED=0 GOOS=$os GOARCH=$arch GOAMD64=v1 GOARM64=v8.0 GOFLAGS= \
		"$GO" build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out" ./cmd/jindu
done

if [ -n "$PACKAGES" ]; then
	PKG_VERSION=$(pkg_version "$VERSION")
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# The packaged unit is docs/ops/jindu.service with the package's paths
	# and the first-administrator rule; each change is checked, so an
	# edited source cannot silently give a different unit.
	sed -e '1,/^\[Unit\]/{/^#/d;}' \
		-e 's#/usr/local/bin/jindu#/usr/bin/jindu#g' \
		-e 's#^After=network.target$#&\n\# Not before the first administrator exists (the database is created\n\# with it): runuser -u jindu -- jindu user add --db /var/lib/jindu/jindu.db …\nConditionPathExists=/var/lib/jindu/jindu.db#' \
		docs/ops/jindu.service >"$work/unit"
	{
		echo "# Installed by the jindu package, from docs/ops/jindu.service."
		echo "# Change flags with \`systemctl edit jindu\` (a drop-in survives upgrades)."
		cat "$work/unit"
	} >"$work/jindu.service"
	for want in '^ExecStart=/usr/bin/jindu serve' '^StateDirectoryMode=0700$' '^ConditionPathExists=/var/lib/jindu/jindu.db$' '^User=jindu$'; do
		grep -q "$want" "$work/jindu.service" || {
			echo "release: the packaged unit lacks $want: update scripts/release.sh to docs/ops/jindu.service" >&2
			exit 1
		}
	done
	for arch in $PACKAGES; do
		bin=$DIST/jindu-linux-$arch
		[ -f "$bin" ] || {
			echo "release: $bin is missing: add linux/$arch to TARGETS" >&2
			exit 1
		}
		for fmt in deb rpm; do
			ARCH=$arch PKG_VERSION=$PKG_VERSION BIN=$bin UNIT=$work/jindu.service \
				"$GO" -C packaging tool nfpm package --config nfpm.yaml --packager "$fmt" --target "$DIST/"
		done
	done
fi

(cd "$DIST" && sha256sum -- * >SHA256SUMS)
echo "release: $DIST/SHA256SUMS"
cat "$DIST/SHA256SUMS"
