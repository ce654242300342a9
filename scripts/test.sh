#!/usr/bin/env bash
# Runs every test of baocao. On a fresh machine it first installs what the tests read our output
# back with: LibreOffice (DOCX -> PDF), poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm),
# the Liberation fonts (metric-compatible with Times New Roman; our PDFs are set in them when Times
# New Roman is absent), fontconfig and DejaVu Serif (PDF font tests), python-docx, jsonschema,
# openpyxl and pikepdf (PDF/A metadata), pyHanko (an independent check of digital signatures;
# poppler's pdfsig is the other; the test PKI is made with the openssl command), and for the browser tests Debian's Chromium and
# ChromeDriver with Selenium, and axe-core (npm) for their accessibility checks. Debian/Ubuntu, as root
# or with sudo.
# The web tests run on SQLite and on PostgreSQL: a server at 127.0.0.1:5432 with trust auth for
# user postgres (as in CI), or the URL in BAOCAO_TEST_POSTGRES (e.g. postgres://u:p@host:5432).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m%s\033[0m\n' "$*"; }

apt_packages=()
command -v soffice >/dev/null 2>&1 || apt_packages+=(libreoffice-writer-nogui)
{ command -v pdftotext >/dev/null 2>&1 && command -v pdfsig >/dev/null 2>&1; } || apt_packages+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || apt_packages+=(openssl)
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Liberation Serif"; } || apt_packages+=(fonts-liberation2)
command -v python3 >/dev/null 2>&1 || apt_packages+=(python3 python3-pip)
# PDF tests: fontconfig's fc-list checks the embedded fonts' Vietnamese letters; DejaVu Serif is
# the substitute family of the font-fallback test.
command -v fc-list >/dev/null 2>&1 || apt_packages+=(fontconfig)
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "DejaVu Serif"; } || apt_packages+=(fonts-dejavu-core)
# Browser end-to-end tests: real headless Chromium driven through ChromeDriver.
[ -x /usr/bin/chromium ] || apt_packages+=(chromium)
[ -x /usr/bin/chromedriver ] || apt_packages+=(chromium-driver)
# axe-core (the accessibility checker the browser tests run on every page) comes from npm.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/baocao/axe-core-4.10.3"
[ -f "$axe_dir/node_modules/axe-core/axe.min.js" ] || command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

if [ ${#apt_packages[@]} -gt 0 ]; then
  say "Cài đặt công cụ kiểm tra: ${apt_packages[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

if ! python3 -c 'import docx, jsonschema, openpyxl' >/dev/null 2>&1; then
  say "Cài đặt python-docx, jsonschema, openpyxl"
  python3 -m pip install -q python-docx jsonschema openpyxl 2>/dev/null \
    || python3 -m pip install -q --break-system-packages python-docx jsonschema openpyxl
fi

if ! python3 -c 'import selenium' >/dev/null 2>&1; then
  say "Cài đặt Selenium (điều khiển Chromium trong kiểm thử trình duyệt)"
  python3 -m pip install -q selenium 2>/dev/null \
    || python3 -m pip install -q --break-system-packages selenium
fi

if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
  say "Cài đặt axe-core 4.10.3 (kiểm tra trợ năng trong kiểm thử trình duyệt)"
  mkdir -p "$axe_dir"
  npm install --no-save --no-audit --no-fund --silent --prefix "$axe_dir" axe-core@4.10.3 >/dev/null
fi
export AXE_JS="$axe_dir/node_modules/axe-core/axe.min.js"

if ! python3 -c 'import pikepdf' >/dev/null 2>&1; then
  say "Cài đặt pikepdf (đọc PDF/A)"
  python3 -m pip install -q pikepdf 2>/dev/null \
    || python3 -m pip install -q --break-system-packages pikepdf
fi

if ! python3 -c 'import pyhanko, pyhanko_certvalidator' >/dev/null 2>&1; then
  say "Cài đặt pyHanko (kiểm tra chữ ký số độc lập)"
  python3 -m pip install -q pyhanko 2>/dev/null \
    || python3 -m pip install -q --break-system-packages pyhanko
fi

say "Dựng bản không có phần xuất PDF (--no-default-features)"
cargo build -q -p baocao --no-default-features --locked
nopdf=$(mktemp -d)
trap 'rm -rf "$nopdf"' EXIT
bin="${CARGO_TARGET_DIR:-target}/debug/baocao"
"$bin" sample --province 02 -o "$nopdf/r.json" 2>/dev/null
if "$bin" render "$nopdf/r.json" -o "$nopdf/r.pdf" 2>"$nopdf/err" \
  || ! grep -q 'tính năng “pdf”' "$nopdf/err"; then
  echo "bản không có PDF phải từ chối xuất .pdf và nói rõ lý do" >&2
  exit 1
fi

pg="${BAOCAO_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
say "Kiểm thử web chạy trên SQLite và PostgreSQL ($pg)"

say "Chạy toàn bộ kiểm thử"
cargo test --workspace --all-targets --locked
