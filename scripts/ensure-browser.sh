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
# Another apt (a machine's own updates, a second checkout installing at the same time) may hold
# dpkg's lock: wait for it (every external call has a timeout: 10 tries, each waiting up to 60 s).
APT=(apt-get -o DPkg::Lock::Timeout=60)
retry() {
    local attempt
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        "$@" && return 0
        echo "apt 未成功（第 ${attempt} 次），10 秒后重试 ..." >&2
        sleep 10
    done
    return 1
}
retry "${APT[@]}" update
retry "${APT[@]}" install -y --no-install-recommends "${PACKAGES[@]}"
