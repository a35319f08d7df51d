# Sourced first by every shell script here: `-h` or `--help` among its arguments (before a
# `--`) prints the script's header comment, which is its usage, and exits 0 before the script
# does anything. Sourced, not run.
for _help_argument in "$@"; do
  case "$_help_argument" in
    --) break ;;
    -h | --help)
      sed -n '2,/^[^#]\|^$/{/^#/s/^# \{0,1\}//p;}' "$0"
      exit 0
      ;;
  esac
done
unset _help_argument
