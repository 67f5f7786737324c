#!/usr/bin/env bash
# Install Debian Chromium, ChromeDriver, CJK fonts and pdftotext (poppler-utils: the print test reads
# the printed PDFs) when any is missing (needs root).
# Outside CI a non-root user only gets a message; the browser tests then skip loudly.
set -euo pipefail

PACKAGES=(chromium chromium-driver fonts-noto-cjk poppler-utils)

have_fonts() {
    dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
        || { command -v fc-list >/dev/null && fc-list :lang=zh-cn | grep -q .; }
}

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] && have_fonts && command -v pdftotext >/dev/null; then
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "缺少 Chromium / ChromeDriver / 中文字体 / pdftotext，需要 root 安装：" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${PACKAGES[*]}" >&2
    echo "浏览器测试将被跳过（CI=true 时失败）。" >&2
    [[ "${CI:-}" == "true" ]] && exit 1
    exit 0
fi

echo "安装 ${PACKAGES[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${PACKAGES[@]}"
