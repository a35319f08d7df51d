"""`python -m emulator`: serve the Custom Voice emulator on loopback until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from emulator.account_servers import arm_server
from emulator.arm.service import SOFT_DELETE_SECONDS
from emulator.backend import CustomVoiceBackend
from emulator.errors import ErrorResponse
from emulator.identity import COGNITIVE_SERVICES_CONTRIBUTOR, SPEECH_CONTRIBUTOR, TOKEN_PATH
from emulator.models import DEFAULT_BASE_MODELS
from emulator.prompt_audio_inspector import PromptAudioInspector
from emulator.quota import S0_QUOTA, Quota
from emulator.server import EmulatorServer
from emulator.tls import LoopbackCertificate

KEYS_ENVIRONMENT_VARIABLE = "CUSTOM_VOICE_EMULATOR_KEYS"
DEFAULT_KEY = "emulator-key"
DEFAULT_ARM_PORT = 8766


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.arm and args.arm_ca_file is None:
        parser.error("--arm needs --arm-ca-file: the certificate clients must trust is written there")
    backend = CustomVoiceBackend(
        keys=_keys(args.key, os.environ),
        provisioning_seconds=args.provisioning_seconds,
        audio_inspector=PromptAudioInspector() if args.check_audio else None,
        base_models=_base_models(parser, args.base_models) if args.base_models else DEFAULT_BASE_MODELS,
        accept_seed_create_form=args.accept_seed_create_form,
        quota=args.quota,
    )
    if args.seed is not None:
        try:
            backend.seed(**_seed_lists(args.seed))
        except (OSError, TypeError, yaml.YAMLError, ErrorResponse) as error:
            parser.error(f"--seed {args.seed}: {error}")
    roles = (SPEECH_CONTRIBUTOR, COGNITIVE_SERVICES_CONTRIBUTOR) if args.arm else (SPEECH_CONTRIBUTOR,)
    wants_entra = args.entra or args.identity_header_file or args.arm
    identity_header = backend.enable_entra(roles=roles) if wants_entra else None
    stop_requested = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop_requested.set())
    try:
        server = EmulatorServer(backend, host=args.host, port=args.port).start()
    except (ValueError, OSError) as error:
        parser.error(f"cannot listen on {args.host}:{args.port}: {error}")
    arm_server = _start_arm(parser, args, backend) if args.arm else None
    try:
        print(f"emulator listening on {server.url}", flush=True)
        if arm_server is not None:
            print(f"ARM listening on {arm_server.url} (trust {args.arm_ca_file})", flush=True)
            if args.arm_port_file is not None:
                _write_atomically(args.arm_port_file, f"{arm_server.port}\n")
        if identity_header is not None:
            _announce_identity_endpoint(server.url, identity_header, args.identity_header_file)
        if args.port_file is not None:
            _write_atomically(args.port_file, f"{server.port}\n")
        stop_requested.wait()
    finally:
        server.stop()
        if arm_server is not None:
            arm_server.stop()
        for written in (args.port_file, args.identity_header_file, args.arm_ca_file, args.arm_port_file):
            if written is not None:
                written.unlink(missing_ok=True)
    return 0


def _start_arm(
    parser: argparse.ArgumentParser, args: argparse.Namespace, backend: CustomVoiceBackend
) -> EmulatorServer:
    """The ARM front over HTTPS; each account's endpoint is a Custom Voice API of its own, on a
    listener of its own, with `backend`'s settings (`emulator.account_servers`)."""
    certificate = LoopbackCertificate(args.host)
    _write_atomically(args.arm_ca_file, certificate.pem.decode())
    try:
        return arm_server(
            backend,
            certificate.server_context(),
            host=args.host,
            port=args.arm_port,
            provisioning_seconds=args.account_provisioning_seconds,
            soft_delete_seconds=args.soft_delete_seconds,
        ).start()
    except OSError as error:
        parser.error(f"cannot listen on {args.host}:{args.arm_port}: {error}")


def _quota(text: str) -> Quota:
    try:
        return Quota.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description="Serve an emulator of the Azure Custom Voice API on loopback."
    )
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--key",
        action="append",
        help=f"a valid Ocp-Apim-Subscription-Key (repeatable); default: ${KEYS_ENVIRONMENT_VARIABLE} "
        f"(comma-separated), else {DEFAULT_KEY!r}",
    )
    parser.add_argument(
        "--provisioning-seconds",
        type=float,
        default=0.0,
        help="time a consent or personal voice takes from NotStarted to Succeeded (default 0)",
    )
    parser.add_argument(
        "--seed", type=Path, help="YAML file whose top-level projects: and consents: lists are created at start"
    )
    parser.add_argument(
        "--check-audio",
        action="store_true",
        help="read each personal voice's prompt audio through its SAS containerUrl (loopback hosts only, "
        "e.g. Azurite) and fail the voice as the service would (see emulator/service.py)",
    )
    parser.add_argument(
        "--accept-seed-create-form",
        action="store_true",
        help="also take the seed document's create, POST /personalvoices with the id in the body, for "
        "api-version 2023-12-01-preview (in no published spec, so refused by default, as Azure would)",
    )
    parser.add_argument(
        "--base-models",
        type=Path,
        help="JSON file: the list BaseModels_List answers (objects with name, description, releaseDateTime, "
        "capabilities); default: DragonLatestNeural, PhoenixLatestNeural, PhoenixV2Neural",
    )
    parser.add_argument(
        "--quota",
        type=_quota,
        default=S0_QUOTA,
        metavar="REQUESTS/SECONDS",
        help=f"the resource's request quota: more requests in any SECONDS are answered 429 TooManyRequests "
        f"with Retry-After; 0 for none (default {S0_QUOTA}, the personal voice API's on S0)",
    )
    parser.add_argument(
        "--port-file", type=Path, help="file to write the listening port to once ready (removed on exit)"
    )
    parser.add_argument(
        "--entra",
        action="store_true",
        help=f"accept Microsoft Entra ID bearer tokens too, and serve the App Service managed identity endpoint "
        f"{TOKEN_PATH} (its identity is a Speech Contributor); prints IDENTITY_ENDPOINT and IDENTITY_HEADER",
    )
    parser.add_argument(
        "--identity-header-file",
        type=Path,
        help="implies --entra: write IDENTITY_HEADER's value to this file (mode 0600, removed on exit) "
        "instead of printing it",
    )
    arm = parser.add_argument_group("Azure Resource Manager (Microsoft.CognitiveServices accounts)")
    arm.add_argument(
        "--arm",
        action="store_true",
        help="also serve ARM's accounts API over HTTPS on --arm-port, with a certificate made at start for "
        "--host; implies --entra, and the managed identity is also a Cognitive Services Contributor; each "
        "account's endpoint is a Custom Voice API of its own (this one's settings, its own data, quota and "
        "keys) on a port of its own on --host",
    )
    arm.add_argument(
        "--arm-port", type=int, default=DEFAULT_ARM_PORT, help=f"port of the ARM front (default {DEFAULT_ARM_PORT})"
    )
    arm.add_argument(
        "--arm-ca-file",
        type=Path,
        help="with --arm: write the certificate to trust (PEM; REQUESTS_CA_BUNDLE or connection_verify) to this "
        "file (removed on exit)",
    )
    arm.add_argument(
        "--arm-port-file", type=Path, help="file to write the ARM front's port to once ready (removed on exit)"
    )
    arm.add_argument(
        "--account-provisioning-seconds",
        type=float,
        default=0.0,
        help="time an account takes from Creating to Succeeded (default 0)",
    )
    arm.add_argument(
        "--soft-delete-seconds",
        type=float,
        default=SOFT_DELETE_SECONDS,
        help="how long a deleted account stays in deletedAccounts before it is purged (default 48 hours)",
    )
    return parser


def _base_models(parser: argparse.ArgumentParser, path: Path) -> list[dict[str, Any]]:
    try:
        models = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        parser.error(f"--base-models {path}: {error}")
    if not isinstance(models, list) or not all(isinstance(m, dict) and isinstance(m.get("name"), str) for m in models):
        parser.error(f"--base-models {path}: must be a JSON list of objects, each with a name")
    return models


def _announce_identity_endpoint(url: str, identity_header: str, header_file: Path | None) -> None:
    print(f"IDENTITY_ENDPOINT={url}{TOKEN_PATH}", flush=True)
    if header_file is None:
        print(f"IDENTITY_HEADER={identity_header}", flush=True)
    else:
        _write_atomically(header_file, f"{identity_header}\n", mode=0o600)


def _keys(cli_keys: list[str] | None, environment: Mapping[str, str]) -> list[str]:
    if cli_keys:
        return cli_keys
    from_environment = [key.strip() for key in environment.get(KEYS_ENVIRONMENT_VARIABLE, "").split(",")]
    return [key for key in from_environment if key] or [DEFAULT_KEY]


def _seed_lists(path: Path) -> dict[str, list[Mapping[str, Any]]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, Mapping):
        raise TypeError("the seed file must be a YAML mapping")
    lists: dict[str, list[Mapping[str, Any]]] = {}
    for name in ("projects", "consents"):
        entries = document.get(name) or []
        if not isinstance(entries, list) or not all(isinstance(entry, Mapping) for entry in entries):
            raise TypeError(f"'{name}' must be a list of mappings")
        lists[name] = entries
    return lists


def _write_atomically(path: Path, text: str, mode: int = 0o644) -> None:
    """Readers polling for the file never see it half written."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=mode)  # created with its final mode, before the text is in it
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


if __name__ == "__main__":
    sys.exit(main())
