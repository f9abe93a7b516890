"""Copy the front-end assets the app serves from node_modules/ into static/vendor/.

Run by `make` after `npm ci` (which checks every package tarball against the integrity hashes in
package-lock.json). This script checks the one file we execute, htmx, once more against a pinned
SHA-256, so a changed lock file cannot swap the script silently. Nothing is fetched from a CDN.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

# htmx.org@2.0.11 dist/htmx.min.js
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"

# KRDS (krds-uiux, ISC): its CSS, fonts and icons, keeping the folder layout its CSS urls expect.
# Its scripts are not copied: we use none of them.
KRDS_PARTS = ["resources/css/token", "resources/css/common", "resources/css/component",
              "resources/fonts", "resources/img"]
# krds-uiux 1.1.0's component.css looks for its icons in ../../img/img/component/icon/, which does not
# exist (the icons are in ../../img/component/icon/): every checkbox tick, select arrow and hint icon 404s.
KRDS_URL_FIXES = {"resources/css/component/component.css": ("../../img/img/", "../../img/")}


def main() -> int:
    htmx = MODULES / "htmx.org" / "dist" / "htmx.min.js"
    if not htmx.is_file():
        print("node_modules is missing: run `npm ci` first", file=sys.stderr)
        return 1
    digest = hashlib.sha256(htmx.read_bytes()).hexdigest()
    if digest != HTMX_SHA256:
        print(f"htmx.min.js has SHA-256 {digest}, expected {HTMX_SHA256}", file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    (VENDOR / "htmx").mkdir(parents=True)
    shutil.copy2(htmx, VENDOR / "htmx" / "htmx.min.js")
    krds = MODULES / "krds-uiux"
    for part in KRDS_PARTS:
        shutil.copytree(krds / part, VENDOR / "krds" / part,
                        ignore=shutil.ignore_patterns("*.map", "output.css"))
    for relative, (wrong, right) in KRDS_URL_FIXES.items():
        css = VENDOR / "krds" / relative
        css.write_text(css.read_text(encoding="utf-8").replace(wrong, right), encoding="utf-8")
    print(f"vendored htmx 2.0.11 and KRDS into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
