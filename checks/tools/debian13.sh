#!/usr/bin/env bash
# Run a command on Debian 13 ("trixie": clang 19, g++ 14, Catch2 3.7, CMake 3.31), in a
# root made with Debian's own debootstrap, on a clean copy of this checkout.
#
#   checks/tools/debian13.sh [--root DIR] [--fresh] [--incremental] [--without-dev-packages]
#                            [--] [COMMAND...]
#
#   COMMAND    runs as root in the copy (/root/cookiejar inside the root);
#              default: cmake --workflow --preset ci
#   --root DIR where the root is made and kept for the next run (default:
#              $COOKIEJAR_DEBIAN13_ROOT, else ${TMPDIR:-/tmp}/cookiejar-debian13); never
#              inside the checkout
#   --fresh    delete the root and make it anew first (.ci/run does, so a package installed
#              by hand in an old root cannot hide a missing one)
#   --incremental
#              keep the previous run's copy, build folders and all, and copy into it only
#              the files that changed since (for a maintainer's edit-build-test loop)
#   --without-dev-packages
#              run COMMAND without network, in a throwaway overlay of the root from which
#              catch2 and relacy-dev are removed; Debian's source packages of both are
#              unpacked at /usr/src/cookiejar/catch2 and /usr/src/cookiejar/relacy, for
#              CMake's FETCHCONTENT_SOURCE_DIR_CATCH2 and FETCHCONTENT_SOURCE_DIR_RELACY
#
# The root: `debootstrap --variant=minbase trixie` from the Debian mirror named in this
# machine's apt sources (COOKIEJAR_DEBIAN_MIRROR overrides it), then `apt-get install
# --no-install-recommends` of the line in checks/tools/apt-packages.txt, the README's
# line, as a student would, and of checks/tools/apt-packages-ci.txt (what the
# repository's own tests add). Each run copies the checkout's files anew (tracked and
# untracked ones, not ignored ones: no build folders; --incremental excepted), and the
# browser test's checks/cli/tests/browser/node_modules when .ci/run's `npm ci` made it
# (the root has no npm); it mounts
# /proc and /dev in the root (ThreadSanitizer reads /proc/self/maps; programs need
# /dev/null) and unmounts them however the run ends.
#
# Needs root and debootstrap (`apt-get install debootstrap`). Exits with COMMAND's code.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() {
  echo "debian13.sh: $*" >&2
  exit 2
}

root="${COOKIEJAR_DEBIAN13_ROOT:-${TMPDIR:-/tmp}/cookiejar-debian13}"
fresh=0
without_dev=0
incremental=0
while [ $# -gt 0 ]; do
  case "$1" in
    --root)
      [ $# -ge 2 ] || die "--root needs a directory"
      root="$2"
      shift 2
      ;;
    --fresh) fresh=1; shift ;;
    --without-dev-packages) without_dev=1; shift ;;
    --incremental) incremental=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || set -- cmake --workflow --preset ci

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and mount do)"
command -v debootstrap >/dev/null || die "needs debootstrap: apt-get install debootstrap"
repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
packages_file="$repo/checks/tools/apt-packages.txt"
[ -f "$packages_file" ] || die "$packages_file is missing"
read -r -a packages <<<"$(grep -v '^#' "$packages_file" | tr '\n' ' ')"
[ ${#packages[@]} -gt 0 ] || die "$packages_file names no package"
if [ -f "$repo/checks/tools/apt-packages-ci.txt" ]; then
  read -r -a ci_packages <<<"$(grep -v '^#' "$repo/checks/tools/apt-packages-ci.txt" | tr '\n' ' ')"
  packages+=("${ci_packages[@]}")
fi

mkdir -p "$(dirname "$root")"
root="$(cd "$(dirname "$root")" && pwd -P)/$(basename "$root")"
case "$root/" in
  "$repo/"*) die "the root $root is inside the checkout $repo; pick another --root" ;;
esac

# One run per root at a time; a second one waits.
exec 9>"$root.lock"
if ! flock -n 9; then
  echo "debian13.sh: another run uses $root; waiting for it" >&2
  flock 9
fi

# ---- mounts, always undone -------------------------------------------------------------
mounted=()
overlay=""
stop_processes_in_root() {  # what this run started in the root, if it is still there
  local signal="$1" p r found=1
  for p in /proc/[0-9]*; do
    r="$(readlink "$p/root" 2>/dev/null)" || continue
    case "$r" in
      "$root" | "$root"/* | "$root.overlay/merged" | "$root.overlay/merged"/*)
        kill "-$signal" "${p#/proc/}" 2>/dev/null && found=0 ;;
    esac
  done
  return $found
}
cleanup() {
  local i
  trap '' HUP INT TERM  # a second signal must not cut the unmounting short
  # A run stopped by a signal may leave its command running in the root: end it first.
  if stop_processes_in_root TERM; then
    sleep 2
    stop_processes_in_root KILL || true
  fi
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
    if mountpoint -q "${mounted[i]}"; then echo "debian13.sh: could not unmount ${mounted[i]}" >&2; fi
  done
  mounted=()
  if [ -n "$overlay" ]; then
    rm -rf --one-file-system "$overlay"
  fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mount_into() {  # mount_into <dir>: /proc and /dev of this machine in the root at <dir>
  local target="$1"
  mount -t proc proc "$target/proc" && mounted+=("$target/proc")
  mount --bind /dev "$target/dev" && mounted+=("$target/dev")
}

# A run killed with SIGKILL leaves its mounts behind; the lock says nobody uses them now.
for m in "$root.overlay/merged/dev" "$root.overlay/merged/proc" "$root.overlay/merged" "$root/dev" "$root/proc"; do
  if mountpoint -q "$m" 2>/dev/null; then umount "$m" || umount -l "$m"; fi
done
rm -rf --one-file-system "$root.overlay"

in_root() {  # in_root <dir> <net: yes|no> <command...>: run in the root at <dir>, clean environment
  local target="$1" net="$2"
  shift 2
  local -a isolate=()
  [ "$net" = yes ] || isolate=(unshare --net)
  env -i HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" DEBIAN_FRONTEND=noninteractive \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    "${isolate[@]}" chroot "$target" "$@"
}

# ---- the root ----------------------------------------------------------------------------
debian_mirror() {  # the first Debian archive (not security) in this machine's apt sources
  if [ -n "${COOKIEJAR_DEBIAN_MIRROR:-}" ]; then
    echo "${COOKIEJAR_DEBIAN_MIRROR%/}"
    return
  fi
  apt-get indextargets --format '$(ORIGIN)|$(LABEL)|$(COMPONENT)|$(REPO_URI)' 2>/dev/null |
    awk -F'|' '$1 == "Debian" && $2 == "Debian" && $3 == "main" { sub(/\/$/, "", $4); print $4; exit }'
}
security_mirror() {
  apt-get indextargets --format '$(ORIGIN)|$(LABEL)|$(REPO_URI)' 2>/dev/null |
    awk -F'|' '$1 == "Debian" && $2 == "Debian-Security" { sub(/\/$/, "", $3); print $3; exit }'
}

if [ "$fresh" = 1 ] && [ -e "$root" ]; then
  echo "debian13.sh: deleting $root (--fresh)"
  rm -rf --one-file-system "$root"
fi

if [ ! -f "$root/.cookiejar-debootstrap-done" ]; then
  mirror="$(debian_mirror)"
  [ -n "$mirror" ] || die "no Debian archive in this machine's apt sources (after apt-get update);" \
    "set COOKIEJAR_DEBIAN_MIRROR to a Debian mirror's URL"
  echo "debian13.sh: debootstrap --variant=minbase trixie $root $mirror"
  rm -rf --one-file-system "$root"
  started=$SECONDS
  if ! debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.debootstrap.log" 2>&1; then
    tail -n 30 "$root.debootstrap.log" >&2
    die "debootstrap failed (whole log: $root.debootstrap.log)"
  fi
  {
    echo "deb $mirror trixie main"
    echo "deb $mirror trixie-updates main"
    echo "deb-src $mirror trixie main"
    security="$(security_mirror)"
    if [ -n "$security" ]; then echo "deb $security trixie-security main"; fi
  } >"$root/etc/apt/sources.list"
  touch "$root/.cookiejar-debootstrap-done"
  echo "debian13.sh: the root is made ($((SECONDS - started)) s)"
fi

cp /etc/resolv.conf "$root/etc/resolv.conf"
mount_into "$root"

if [ "$(cat "$root/.cookiejar-packages" 2>/dev/null)" != "${packages[*]}" ]; then
  echo "debian13.sh: apt-get install --no-install-recommends ${packages[*]}"
  started=$SECONDS
  in_root "$root" yes apt-get update -qq
  in_root "$root" yes apt-get install -y -qq --no-install-recommends "${packages[@]}" >"$root.install.log" 2>&1 || {
    tail -n 30 "$root.install.log" >&2
    die "the README's apt line failed on Debian 13 (whole log: $root.install.log)"
  }
  echo "${packages[*]}" >"$root/.cookiejar-packages"
  echo "debian13.sh: installed ($((SECONDS - started)) s)"
fi

# Debian's source packages of the two libraries CMake would otherwise fetch. Only the
# upstream tarball (*.orig.tar.*) is used: it is what FetchContent would download.
if [ "$without_dev" = 1 ] && [ ! -f "$root/usr/src/cookiejar/.done" ]; then
  echo "debian13.sh: apt-get source --download-only catch2 relacy"
  in_root "$root" yes bash -c '
    set -eu
    rm -rf /usr/src/cookiejar && mkdir -p /usr/src/cookiejar/download && cd /usr/src/cookiejar/download
    apt-get update -qq
    # Only the orig tarball is needed (the .debian.tar.* is missing on some mirrors).
    apt-get source --download-only -qq -o APT::Sandbox::User=root catch2 relacy 2>&1 | grep -v "^E: Failed to fetch some" || true'
  # Unpacked here: the minimal root has no xz.
  for package in catch2 relacy; do
    tarball="$(ls "$root/usr/src/cookiejar/download/${package}_"*.orig.tar.* 2>/dev/null | head -n 1 || true)"
    [ -n "$tarball" ] || die "no source tarball of $package came (apt-get source $package, with a deb-src line)"
    mkdir "$root/usr/src/cookiejar/$package"
    tar -xf "$tarball" -C "$root/usr/src/cookiejar/$package" --strip-components=1
    echo "  $package: $(basename "$tarball") -> /usr/src/cookiejar/$package"
  done
  touch "$root/usr/src/cookiejar/.done"
fi

# ---- the run -------------------------------------------------------------------------------
target="$root"
if [ "$without_dev" = 1 ]; then
  overlay="$root.overlay"
  mkdir -p "$overlay/upper" "$overlay/work" "$overlay/merged"
  mount -t overlay overlay -o "lowerdir=$root,upperdir=$overlay/upper,workdir=$overlay/work" "$overlay/merged"
  mounted+=("$overlay/merged")
  target="$overlay/merged"
  mount_into "$target"
  # Debian 13's catch2 is a transitional package; the files are in libcatch2-dev.
  in_root "$target" no dpkg --purge catch2 libcatch2-dev relacy-dev >/dev/null
  for gone in /usr/include/catch2 /usr/include/relacy; do
    [ ! -e "$target$gone" ] || die "$gone is still there after removing catch2 and relacy-dev"
  done
  echo "debian13.sh: catch2, libcatch2-dev and relacy-dev removed (in an overlay); no network"
fi

copy="$target/root/cookiejar"
if [ "$incremental" = 1 ] && [ -d "$copy" ]; then
  # Only what changed is copied (with a new time stamp), so only what depends on it rebuilds.
  changed=0
  while IFS= read -r -d '' f; do
    [ -f "$repo/$f" ] || continue
    if ! cmp -s "$repo/$f" "$copy/$f"; then
      mkdir -p "$(dirname "$copy/$f")"
      cp "$repo/$f" "$copy/$f"
      changed=$((changed + 1))
    fi
  done < <(cd "$repo" && git ls-files -z --cached --others --exclude-standard --deduplicate)
  echo "debian13.sh: $changed changed files copied into the previous run's copy"
else
  rm -rf --one-file-system "$copy"
  mkdir -p "$copy"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard --deduplicate |
    tar --null --no-recursion --ignore-failed-read -T - -cf -) | tar -xf - -C "$copy"
fi

# The browser test's npm packages, git-ignored and so not copied above: plain JavaScript,
# installed by .ci/run's `npm ci` on this machine.
browser_modules="checks/cli/tests/browser/node_modules"
if [ -d "$repo/$browser_modules" ]; then
  rm -rf --one-file-system "${copy:?}/$browser_modules"
  cp -a "$repo/$browser_modules" "$copy/$browser_modules"
fi

echo "debian13.sh: on Debian 13 ($(in_root "$target" yes sh -c '. /etc/os-release && echo "$PRETTY_NAME"')): $*"
status=0
net=yes
[ "$without_dev" = 0 ] || net=no
# In the background, so that a signal to this script is handled at once (bash runs a trap
# only after a foreground command ends); stdin stays the terminal's.
in_root "$target" "$net" /bin/bash -c 'cd /root/cookiejar && exec "$@"' debian13 "$@" <&0 &
wait $! || status=$?
echo "debian13.sh: exit code $status"
exit "$status"
