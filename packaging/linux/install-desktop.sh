#!/usr/bin/env bash
# Adds CST Directory to the current user's application menu, or takes it out again.
#
# Everything goes under the user's XDG data home (${XDG_DATA_HOME:-$HOME/.local/share}); nothing needs root
# and nothing is written anywhere else. The script finds what it installs next to itself, both in a source
# checkout (packaging/linux, with the icons in resources/icons) and in an unpacked release bundle (next to
# the cst-directory executable, with the icons in _internal/resources/icons).

set -euo pipefail

readonly APP_ID=uk.org.cstdirectory.CstDirectory
readonly APP_NAME="CST Directory"
readonly COMMAND=cst-directory

PROG=${0##*/}
readonly PROG

usage() {
    cat <<EOF
Usage: $PROG [--exec PATH] [--uninstall] [--help]

Adds $APP_NAME to your application menu, for you alone (no root needed).
Files go under \${XDG_DATA_HOME:-\$HOME/.local/share}: the menu entry in applications/,
the icons in icons/hicolor/ and the software-centre description in metainfo/.

Options:
  --exec PATH   the $COMMAND program the menu entry starts. By default: the one next
                to this script (in a release bundle), otherwise the one on your PATH.
  --uninstall   remove exactly the files an install puts there, and nothing else.
  --help        show this help.
EOF
}

# One sentence on stderr, then exit with the given status (1 unless said otherwise).
die() {
    printf '%s: %s\n' "$PROG" "$1" >&2
    exit "${2:-1}"
}

note() {
    printf '%s\n' "$1"
}

# The directory this script is in, with symbolic links in its own name followed, so that a link to it
# still finds the files next to the real script.
script_dir() {
    local source=${BASH_SOURCE[0]} dir
    while [[ -L $source ]]; do
        dir=$(cd -P -- "$(dirname -- "$source")" && pwd)
        source=$(readlink -- "$source")
        [[ $source == /* ]] || source=$dir/$source
    done
    cd -P -- "$(dirname -- "$source")" && pwd
}

data_home() {
    # The XDG Base Directory specification says a relative XDG_DATA_HOME is to be ignored.
    if [[ -n ${XDG_DATA_HOME:-} && $XDG_DATA_HOME == /* ]]; then
        printf '%s\n' "${XDG_DATA_HOME%/}"
    elif [[ -n ${HOME:-} && $HOME == /* ]]; then
        printf '%s\n' "${HOME%/}/.local/share"
    else
        die "neither XDG_DATA_HOME nor HOME is set to an absolute path, so there is nowhere to install."
    fi
}

absolute_path() {
    local path=$1 dir
    [[ $path == /* ]] || path=$PWD/$path
    dir=$(cd -- "${path%/*}/" && pwd)
    printf '%s/%s\n' "${dir%/}" "${path##*/}"
}

# An Exec= value that runs the program at $1, quoted as the Desktop Entry specification requires: an
# argument with a reserved character is put in double quotes, with ", `, $ and \ escaped by a backslash;
# then, as in any string value, every backslash is doubled. (Paths with % are refused earlier: the
# specification's %% is not understood by every desktop.)
exec_value() {
    local value=$1 bs="\\"
    if [[ $value == *[[:space:]\"\'\\\<\>~\|\&\;\$\*\?#\(\)\`]* ]]; then
        value=${value//"$bs"/"$bs$bs"}
        value=${value//'"'/"$bs\""}
        value=${value//'`'/"$bs\`"}
        value=${value//'$'/"$bs\$"}
        value="\"$value\""
    fi
    printf '%s\n' "${value//"$bs"/"$bs$bs"}"
}

# A TryExec= value: a plain string value, where only the backslash needs escaping.
string_value() {
    local bs="\\"
    printf '%s\n' "${1//"$bs"/"$bs$bs"}"
}

find_executable() {
    local candidate
    if [[ -n $EXEC ]]; then
        if [[ ! -f $EXEC || ! -x $EXEC ]]; then
            die "--exec $EXEC is not an executable file."
        fi
        candidate=$EXEC
    elif [[ -f $HERE/$COMMAND && -x $HERE/$COMMAND ]]; then
        candidate=$HERE/$COMMAND
    elif candidate=$(type -P "$COMMAND"); then
        :
    else
        die "cannot find the $COMMAND program: there is none next to this script or on your PATH, so pass --exec PATH."
    fi
    candidate=$(absolute_path "$candidate")
    [[ $candidate != *[[:cntrl:]]* ]] || die "the path of the $COMMAND program, $candidate, contains control characters, which a menu entry cannot hold."
    [[ $candidate != *%* ]] || die "the path of the $COMMAND program, $candidate, contains %, which some desktops cannot start from a menu entry; move it or link to it from a path without %."
    printf '%s\n' "$candidate"
}

find_icon_root() {
    local root
    for root in "$HERE/_internal/resources/icons/hicolor" "$HERE/../../resources/icons/hicolor"; do
        if [[ -d $root ]]; then
            (cd -- "$root" && pwd)
            return
        fi
    done
    die "cannot find the icons: neither $HERE/_internal/resources/icons/hicolor nor $HERE/../../resources/icons/hicolor exists."
}

# The icons of this app under a hicolor tree, one per line, relative to it (such as 48x48/apps/ID.png).
list_icons() {
    local root=$1 icon size
    for icon in "$root"/*/apps/"$APP_ID".png "$root"/*/apps/"$APP_ID".svg; do
        [[ -f $icon ]] || continue
        size=${icon#"$root"/}
        size=${size%%/*}
        [[ $size =~ ^([0-9]+x[0-9]+(@[0-9]+)?|scalable|symbolic)$ ]] || continue
        printf '%s\n' "${icon#"$root"/}"
    done
}

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1 && [[ -d $DATA/applications ]]; then
        update-desktop-database -q "$DATA/applications" || note "(update-desktop-database failed; the menu will catch up on its own.)"
    fi
    # Only refresh a cache that is already there: creating one in the user's own icon folder would hide
    # icons that other programs later add without updating it.
    if command -v gtk-update-icon-cache >/dev/null 2>&1 && [[ -f $DATA/icons/hicolor/icon-theme.cache ]]; then
        gtk-update-icon-cache -q -f -t "$DATA/icons/hicolor" || note "(gtk-update-icon-cache failed; the icons will show once the desktop rescans.)"
    fi
}

# Removes the icons of this app from the user's hicolor tree, printing each one removed.
remove_icons() {
    local icon
    [[ -d $DATA/icons/hicolor ]] || return 0
    while IFS= read -r icon; do
        rm -f -- "$DATA/icons/hicolor/$icon"
        note "  removed $DATA/icons/hicolor/$icon"
    done < <(list_icons "$DATA/icons/hicolor")
}

uninstall() {
    local file removed=0
    for file in "$DATA/applications/$APP_ID.desktop" "$DATA/metainfo/$APP_ID.metainfo.xml"; do
        if [[ -e $file || -L $file ]]; then
            rm -f -- "$file"
            note "  removed $file"
            removed=1
        fi
    done
    if [[ -n $(list_icons "$DATA/icons/hicolor" 2>/dev/null) ]]; then
        remove_icons
        removed=1
    fi
    if ((removed)); then
        refresh_caches
        note "$APP_NAME is no longer in your application menu. Your contacts and settings are untouched."
    else
        note "$APP_NAME was not installed in $DATA: there was nothing to remove."
    fi
}

install_files() {
    local executable icon_root desktop_in metainfo_in exec_field tryexec_field line rewritten=0 icon
    local -a icons
    desktop_in=$HERE/$APP_ID.desktop
    metainfo_in=$HERE/$APP_ID.metainfo.xml
    [[ -f $desktop_in ]] || die "cannot find $desktop_in, which should be next to this script."
    [[ -f $metainfo_in ]] || die "cannot find $metainfo_in, which should be next to this script."
    executable=$(find_executable)
    icon_root=$(find_icon_root)
    mapfile -t icons < <(list_icons "$icon_root")
    ((${#icons[@]} > 0)) || die "no icons named $APP_ID.png or $APP_ID.svg are in $icon_root."

    exec_field=$(exec_value "$executable")
    tryexec_field=$(string_value "$executable")

    mkdir -p -- "$DATA/applications" "$DATA/metainfo" "$DATA/icons/hicolor"
    STAGED=$(mktemp "$DATA/applications/.$APP_ID.XXXXXX")
    while IFS= read -r line || [[ -n $line ]]; do
        case $line in
            "Exec=$COMMAND")
                line="Exec=$exec_field"
                rewritten=1 ;;
            "Exec=$COMMAND "*)
                line="Exec=$exec_field${line#"Exec=$COMMAND"}"
                rewritten=1 ;;
            "TryExec=$COMMAND")
                line="TryExec=$tryexec_field" ;;
        esac
        printf '%s\n' "$line"
    done <"$desktop_in" >"$STAGED"
    ((rewritten)) || die "$desktop_in has no Exec=$COMMAND line to point at the program."
    chmod 0644 "$STAGED"

    note "Installing $APP_NAME in $DATA:"
    mv -f -- "$STAGED" "$DATA/applications/$APP_ID.desktop"
    STAGED=
    note "  $DATA/applications/$APP_ID.desktop (starts $executable)"
    install -m 0644 -- "$metainfo_in" "$DATA/metainfo/$APP_ID.metainfo.xml"
    note "  $DATA/metainfo/$APP_ID.metainfo.xml"

    # Icons left by an earlier version (perhaps in sizes this one no longer has) go first.
    remove_icons >/dev/null
    for icon in "${icons[@]}"; do
        install -m 0644 -D -- "$icon_root/$icon" "$DATA/icons/hicolor/$icon"
        note "  $DATA/icons/hicolor/$icon"
    done

    refresh_caches
    note "$APP_NAME is now in your application menu (some desktops show it only after you next log in)."
    note "To remove it again: $(printf '%q' "$HERE/$PROG") --uninstall"
}

EXEC=
MODE=install
while (($# > 0)); do
    case $1 in
        --exec)
            (($# >= 2)) || die "--exec needs the path of the $COMMAND program." 2
            EXEC=$2
            [[ -n $EXEC ]] || die "--exec needs the path of the $COMMAND program." 2
            shift 2 ;;
        --exec=*)
            EXEC=${1#--exec=}
            [[ -n $EXEC ]] || die "--exec needs the path of the $COMMAND program." 2
            shift ;;
        --uninstall)
            MODE=uninstall
            shift ;;
        -h | --help)
            usage
            exit 0 ;;
        *)
            die "unknown argument '$1' (see $PROG --help)." 2 ;;
    esac
done

HERE=$(script_dir)
DATA=$(data_home)
STAGED=
trap '[[ -z $STAGED ]] || rm -f -- "$STAGED"' EXIT

if [[ $MODE == uninstall ]]; then
    [[ -z $EXEC ]] || die "--exec and --uninstall do not go together." 2
    note "Removing $APP_NAME from $DATA:"
    uninstall
else
    install_files
fi
