# Shared by the scripts in this folder: where things are, and the environment pulumi needs.
# Sourced, not run.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
RUN_DIR="$REPO_ROOT/.run"                 # pid and log files of the local services
STATE_DIR="$REPO_ROOT/.pulumi-state"      # the local file backend of the dev stack
# Fixed, because Pulumi.dev.yaml names them: its speechEndpoint is this port, and its
# speechKey (encrypted with the dev passphrase) is this key. Neither protects anything
# real; a real stack sets its own.
EMULATOR_PORT=8765
EMULATOR_KEY=dev-emulator-key
# The emulator's Azure Resource Manager front (HTTPS), where the dev stack's Speech account
# lives, the certificate to trust there (Pulumi.dev.yaml's armCaBundle), and its managed
# identity's secret; the last two are written by the emulator at start, removed at stop.
EMULATOR_ARM_PORT=8766
EMULATOR_ARM_CA_FILE="$RUN_DIR/arm-ca.pem"
EMULATOR_IDENTITY_HEADER_FILE="$RUN_DIR/identity-header"
# The dev stack's passphrase, unless the caller gave one (either way: the CLI reads the variable
# before the file, so a default here would override a caller's PULUMI_CONFIG_PASSPHRASE_FILE).
if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}${PULUMI_CONFIG_PASSPHRASE_FILE+set}" ]]; then
  export PULUMI_CONFIG_PASSPHRASE=dev-passphrase
fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_HOME="${PULUMI_HOME:-$REPO_ROOT/.pulumi-state/home}"

log() { printf '==> %s\n' "$*" >&2; }

# The dev stack signs in to the emulator's ARM front as the emulator's managed identity: for
# stack dev, while the emulator runs, export the two variables DefaultAzureCredential reads it
# from (App Service's protocol). Any other stack signs in as whoever runs the script.
use_emulator_identity_for() {
  if [ "$1" = dev ] && [ -s "$EMULATOR_IDENTITY_HEADER_FILE" ]; then
    export IDENTITY_ENDPOINT="http://127.0.0.1:$EMULATOR_PORT/_emulator/identity/token"
    IDENTITY_HEADER="$(cat "$EMULATOR_IDENTITY_HEADER_FILE")"
    export IDENTITY_HEADER
  fi
}

# The stack a script's `--stack STACK` (or `--stack=STACK`) names among its arguments; dev if none.
stack_option() {
  local stack=dev
  while [ $# -gt 0 ]; do
    case "$1" in
      --stack) stack="${2:-}"; shift ;;
      --stack=*) stack="${1#--stack=}" ;;
      --) break ;;
    esac
    shift
  done
  echo "$stack"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Is the process in pid file $1 alive, and is it the service whose command line holds $2?
service_running() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$(cat "$1")/cmdline" 2>/dev/null | grep -q -- "$2"
}

# start_service NAME PORT PID_FILE LOG_FILE COMMAND...: start COMMAND in the background and
# wait until it answers on PORT. Refuses a port someone else already holds, so a stale or
# foreign server is never mistaken for ours.
start_service() {
  local name=$1 port=$2 pid_file=$3 log_file=$4
  shift 4
  if port_answers "$port"; then
    log "port $port is already in use by another process; stop it first"
    return 1
  fi
  mkdir -p "$(dirname "$pid_file")"
  nohup "$@" >"$log_file" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 150); do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
      break
    elif port_answers "$port"; then
      log "$name listening on 127.0.0.1:$port (pid $(cat "$pid_file"), log $log_file)"
      return 0
    fi
    sleep 0.1
  done
  log "$name did not start; its log:"
  cat "$log_file" >&2
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file"
  return 1
}

# stop_service NAME PID_FILE PATTERN: stop it if the pid is still that service.
stop_service() {
  local name=$1 pid_file=$2 pattern=$3
  if service_running "$pid_file" "$pattern"; then
    kill "$(cat "$pid_file")"
    for _ in $(seq 1 50); do kill -0 "$(cat "$pid_file")" 2>/dev/null || break; sleep 0.1; done
    log "$name stopped"
  fi
  rm -f "$pid_file"
}
