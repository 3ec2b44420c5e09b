# Puts the project's own tools first on PATH. Sourced by every infra script.
FL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FL_TOOLS="${FL_TOOLS:-$FL_ROOT/.tools}"
export FL_ROOT FL_TOOLS
for dir in "$FL_TOOLS/node/node_modules/node/bin" "$FL_TOOLS/bin" "$FL_TOOLS/venv/bin" "$FL_ROOT/node_modules/.bin"; do
  case ":$PATH:" in *":$dir:"*) ;; *) [ -d "$dir" ] && PATH="$dir:$PATH" ;; esac
done
export PATH
