"""scripts/rotate-speech-key: regenerate key1 or key2 of a stack's Speech account, printing no key
(the logic: provider/accounts/rotation.py)."""

import argparse
import sys
from pathlib import Path

from doctor.stack_config import StackConfigError, read_stack_config, read_stack_state
from provider.accounts.rotation import KEY_NAMES, account_id_in_state, regenerate
from provider.accounts.settings import AccountSettings
from provider.errors import ProviderError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/rotate-speech-key", description="Regenerate a key of a stack's Speech account."
    )
    parser.add_argument("--stack", default="dev")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--account", help="the account's name in the stack")
    which.add_argument("--id", help="the account's ARM id")
    parser.add_argument("key", choices=sorted(KEY_NAMES))
    args = parser.parse_args(argv)
    try:
        settings = AccountSettings.load(read_stack_config(args.stack, Path.cwd()))
        arm_id = args.id or account_id_in_state(read_stack_state(args.stack, Path.cwd()), args.account)
        account = regenerate(settings, arm_id, args.key)
    except (StackConfigError, ProviderError) as error:
        print(f"rotate-speech-key: {error}", file=sys.stderr)
        return 1
    print(
        f"rotate-speech-key: {args.key} of {account.label()} regenerated. The stack reads keys from Azure Resource "
        f"Manager when it calls the account, so nothing in it changes; whatever else held the old {args.key} must "
        "get a key from the account again"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
