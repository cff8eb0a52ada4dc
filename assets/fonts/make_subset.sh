#!/usr/bin/env bash
# Rebuild NotoSansSC-GB2312.otf: Noto Sans CJK SC Regular cut to the hanzi of GB 2312, CJK
# punctuation (U+3000–303F) and fullwidth forms (U+FF00–FFEF). Needs fontTools
# (`pip install fonttools`) and Debian's fonts-noto-cjk package (`apt-get download fonts-noto-cjk`).
set -euo pipefail
deb=${1:?usage: make_subset.sh fonts-noto-cjk_VERSION_all.deb}
work=$(mktemp -d)
dpkg-deb -x "$deb" "$work"
python3 - "$work/chars.txt" <<'PY'
import sys
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
open(sys.argv[1], "w").write("".join(sorted(c for c in chars if ord(c) >= 0x2E80)))
PY
# Font 2 of the collection is Noto Sans CJK SC.
pyftsubset "$work/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc" --font-number=2 \
  --text-file="$work/chars.txt" --output-file="$(dirname "$0")/NotoSansSC-GB2312.otf" \
  --no-hinting --layout-features='' --name-IDs='*' --name-languages='*' --drop-tables+=vhea,vmtx,VORG
rm -rf "$work"
