# Shared by the scripts in this folder: where things are, and the environment pulumi needs.
# Sourced, not run.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
RUN_DIR="$REPO_ROOT/.run"                 # pid and log files of the local services
STATE_DIR="$REPO_ROOT/.pulumi-state"      # the local file backend of the dev stack
EMULATOR_PORT="${EMULATOR_PORT:-8765}"    # Pulumi.dev.yaml's speechEndpoint points here
# The dev stack's emulator key: Pulumi.dev.yaml holds it as a secret encrypted with the
# dev passphrase. Neither protects anything real; a real stack sets its own.
EMULATOR_KEY="${EMULATOR_KEY:-dev-emulator-key}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-dev-passphrase}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME="${PULUMI_HOME:-$REPO_ROOT/.pulumi-state/home}"

log() { printf '==> %s\n' "$*" >&2; }
