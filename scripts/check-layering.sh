#!/usr/bin/env bash
# Layering check by grep (fast; swift build --explicit-target-dependency-import-check=error would
# mean a second full build). Reads `import X` declarations in Sources/<Module>/**/*.swift and
# Tests/<Module>Tests/**/*.swift and fails on:
#   * a protocol layer importing the engine or the shells (Bridge, BridgeServer, MeetpadBridge),
#     RTP/ICE/DTLS/SRTP importing Colibri or XMLStream, Primitives importing any project module;
#   * a C library module imported outside the one Swift module that wraps it (and its tests);
#   * any module of the bridge importing Foundation or FoundationInternationalization: they load
#     libFoundation and its ICU, about 8 MB of the idle bridge's resident memory, where
#     FoundationEssentials (JSONDecoder, Data) or Glibc (log, exp) do (scripts/idle_rss.py).
#
#   scripts/check-layering.sh [repo-root]
set -euo pipefail
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$ROOT"

SHELLS="Bridge BridgeServer MeetpadBridge"
declare -A FORBIDDEN=(
    [Primitives]="$SHELLS Colibri XMLStream RTP ICE DTLS SRTP SCTP CongestionControl MediaLanes"
    [RTP]="$SHELLS Colibri XMLStream SCTP"
    [ICE]="$SHELLS Colibri XMLStream SCTP"
    [DTLS]="$SHELLS Colibri XMLStream SCTP"
    [SRTP]="$SHELLS Colibri XMLStream SCTP"
    [CongestionControl]="$SHELLS Colibri XMLStream RTP ICE DTLS SRTP SCTP XMPP"
    [SCTP]="$SHELLS Colibri"
    [XMLStream]="$SHELLS Colibri"
    [Colibri]="$SHELLS"
    [XMPP]="$SHELLS Colibri RTP ICE DTLS SRTP SCTP"
    [Bridge]="BridgeServer MeetpadBridge MediaLanes"
    [MediaLanes]="$SHELLS Colibri XMLStream RTP ICE DTLS SRTP SCTP CongestionControl XMPP"
)
# Forbidden in every module under Sources/ (tests may use Foundation as an independent oracle).
NOWHERE_IN_SOURCES="Foundation FoundationInternationalization"
# C library wrapper module -> the Swift modules that may import it. libcrypto is the one shared
# library: DTLS uses libssl, SRTP libcrypto's AES and SHA-1 for the packet transforms, XMPP
# libcrypto's SHA-1/HMAC/PBKDF2 for SCRAM (RFC 5802).
declare -A C_OWNER=(
    [COpenSSL]="DTLS SRTP XMPP"
    [COpenSSLShims]="DTLS SRTP"
    [CSRTP]=SRTP
    [CNice]=ICE
    [CExpat]=XMLStream
    [CUsrsctp]=SCTP
    [CMediaSocket]=BridgeServer
)

IMPORT_RE='^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*'

violations=0
checked=0
while IFS= read -r -d '' file; do
    rel="${file#./}"
    top="${rel%%/*}"
    rest="${rel#*/}"
    module="${rest%%/*}"
    owner_module="$module"
    if [ "$top" = "Tests" ]; then
        owner_module="${module%Tests}"  # FooTests is held to Foo's C-module ownership, not its layering
    fi
    checked=$((checked + 1))
    while IFS=: read -r lineno line; do
        imported="$(sed -E 's/^[[:space:]]*(@[A-Za-z_]+(\([^)]*\))?[[:space:]]+)*((public|package|internal|fileprivate|private)[[:space:]]+)?import[[:space:]]+((typealias|struct|class|enum|protocol|let|var|func)[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*).*/\7/' <<<"$line")"
        if [ "$top" = "Sources" ]; then
            for bad in ${FORBIDDEN[$module]:-} $NOWHERE_IN_SOURCES; do
                if [ "$imported" = "$bad" ]; then
                    echo "layering: $rel:$lineno: $module must not import $imported" >&2
                    violations=$((violations + 1))
                fi
            done
        fi
        owner="${C_OWNER[$imported]:-}"
        if [ -n "$owner" ] && [[ " $owner " != *" $owner_module "* ]]; then
            echo "layering: $rel:$lineno: C module $imported may only be imported by $owner (found in $module)" >&2
            violations=$((violations + 1))
        fi
    done < <(grep -nE "$IMPORT_RE" "$file" || true)
done < <(find ./Sources ./Tests -name '*.swift' -print0 2>/dev/null)

if [ "$violations" -gt 0 ]; then
    echo "layering: $violations violation(s) in $checked Swift files" >&2
    exit 1
fi
echo "layering: OK ($checked Swift files)"
