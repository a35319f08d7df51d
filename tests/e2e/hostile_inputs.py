"""The hostile and careless catalogs and configs the preview must refuse, as test data: each
with what the refusal must name (`file:line: field` of the catalog, or the config key)."""

from dataclasses import dataclass, field

# The catalog every case starts from; its line numbers are what the cases point at.
BASE = """\
projects:
  - id: contoso-personal-voices
consents:
  - id: jessica-consent
    projectId: contoso-personal-voices
    voiceTalentName: Jessica Smith
    companyName: Contoso
    locale: en-US
    audioUrl: http://127.0.0.1:10000/devstoreaccount1/voices/consents/jessica.wav
voices:
  - id: JessicaVoice
    projectId: contoso-personal-voices
    consentId: jessica-consent
    audios:
      containerUrl: http://127.0.0.1:10000/devstoreaccount1/voices
      prefix: jessica/
      extensions: [".wav"]
"""
STORAGE = """\
storage:
  accountUrl: http://127.0.0.1:10000/devstoreaccount1
  container: prompt-audio
"""
# Local files the cases refer to (made in the project by the test): name -> (seconds, rate);
# "outside.wav" is made outside the project, and "linked.wav" is a symbolic link to it.
AUDIO = {"audio/good.wav": (6.0, 16000), "audio/short.wav": (2.0, 16000), "audio/phone.wav": (6.0, 8000)}
FILES_VOICE = BASE.replace(
    "      containerUrl: http://127.0.0.1:10000/devstoreaccount1/voices\n      prefix: jessica/\n",
    "      files: [audio/good.wav]\n",
)


@dataclass(frozen=True)
class Case:
    name: str
    expected: str  # what the one-line refusal must hold
    catalog: str | bytes = BASE
    config: dict[str, str | None] = field(default_factory=dict)  # keys set (None: removed) for this case only


def _swap(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new)


def _with_voice_line(line: str) -> str:
    """BASE with `line` added to the voice, just before its projectId (line 12)."""
    return _swap(
        "    projectId: contoso-personal-voices\n    consentId",
        f"{line}\n    projectId: contoso-personal-voices\n    consentId",
    )


def _deep(levels: int) -> str:
    return "voices: " + "[" * levels + "]" * levels + "\n"


_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)

CASES = [
    # The whole file
    Case("empty file", "e2e.yaml:1: (catalog): declares nothing", ""),
    Case("comments only", "e2e.yaml:1: (catalog): declares nothing", "# nothing here\n# at all\n"),
    Case("no voices section", "e2e.yaml:1: (catalog): has no voices section", BASE.split("voices:")[0]),
    Case("a list, not a mapping", "e2e.yaml:1: (catalog): the catalog must be a mapping", "- voices\n"),
    Case(
        "yaml syntax",
        "e2e.yaml:12: (yaml):",
        _swap("    projectId: contoso-personal-voices\n    consentId", "  projectId: [x\n    consentId"),
    ),
    Case("alias bomb", "e2e.yaml:1: (yaml): anchors and aliases", _BOMB),
    Case("a single anchor", "e2e.yaml:1: (yaml): anchors and aliases", "projects: &p []\nvoices: []\n"),
    Case("deep nesting", "e2e.yaml:1: (yaml): nested deeper than 16 levels", _deep(40)),
    Case(
        "not utf-8",
        "e2e.yaml:11: (yaml): not UTF-8 text",
        BASE.replace("JessicaVoice", "J\udce9ssica").encode("utf-8", "surrogateescape"),
    ),
    Case(
        "control character",
        "e2e.yaml:11: (yaml): character U+0008 is not allowed in YAML",
        BASE.replace("JessicaVoice", "Jessica\x08Voice"),
    ),
    Case("oversized", "e2e.yaml:1: (yaml):", BASE + "# " + "x" * (1024 * 1024) + "\n"),
    Case("unknown section", "e2e.yaml:18: extras: unknown section", BASE + "extras: []\n"),
    Case(
        "key given twice",
        "e2e.yaml:14: voices[0].consentId: given twice",
        _swap("    audios:\n", "    consentId: other\n    audios:\n"),
    ),
    Case(
        "voices not a list", "e2e.yaml:10: voices: must be a list", BASE.split("voices:")[0] + "voices: JessicaVoice\n"
    ),
    Case(
        "voice not a mapping",
        "e2e.yaml:11: voices[0]: must be a mapping",
        BASE.split("voices:")[0] + "voices:\n  - JessicaVoice\n",
    ),
    # Voices
    Case(
        "unknown voice field",
        "e2e.yaml:12: voices[0].colour: unknown field",
        _with_voice_line("    colour: blue"),
    ),
    Case(
        "missing voice id",
        "e2e.yaml:11: voices[0].id: is required",
        _swap("  - id: JessicaVoice\n    projectId", "  - projectId"),
    ),
    Case(
        "id breaks the rule",
        "e2e.yaml:11: voices[0].id: '-bad-' is not a valid id",
        _swap("id: JessicaVoice", "id: -bad-"),
    ),
    Case("id too long", "e2e.yaml:11: voices[0].id:", _swap("id: JessicaVoice", "id: " + "J" * 65)),
    Case("id with a space", "e2e.yaml:11: voices[0].id:", _swap("id: JessicaVoice", "id: Jessica Voice")),
    Case("id not ascii", "e2e.yaml:11: voices[0].id:", _swap("id: JessicaVoice", "id: Jéssica")),
    Case("id a number", "e2e.yaml:11: voices[0].id: must be a string", _swap("id: JessicaVoice", "id: 12345")),
    Case(
        "duplicate voice ids",
        "e2e.yaml:18: voices[1].id: duplicate id 'JessicaVoice'",
        BASE + BASE.split("voices:\n")[1],
    ),
    Case(
        "duplicate resource names",
        "e2e.yaml:20: voices[1].name: another voice already has the resource name",
        _swap("  - id: JessicaVoice\n", "  - id: JessicaVoice\n    name: jessica\n")
        + BASE.split("voices:\n")[1].replace("id: JessicaVoice", "id: Other\n    name: jessica"),
    ),
    Case(
        "project not declared",
        "e2e.yaml:12: voices[0].projectId: project 'nowhere' is not declared",
        _swap("    projectId: contoso-personal-voices\n    consentId", "    projectId: nowhere\n    consentId"),
    ),
    Case(
        "consent not declared",
        "e2e.yaml:13: voices[0].consentId: consent 'nobody' is not declared",
        _swap("consentId: jessica-consent", "consentId: nobody"),
    ),
    Case(
        "consent of another project",
        "e2e.yaml:14: voices[0].consentId: consent 'jessica-consent' belongs to project",
        _swap(
            "projects:\n  - id: contoso-personal-voices\n",
            "projects:\n  - id: contoso-personal-voices\n  - id: other-project\n",
        ).replace(
            "    projectId: contoso-personal-voices\n    consentId", "    projectId: other-project\n    consentId"
        ),
    ),
    Case(
        "description a list",
        "e2e.yaml:12: voices[0].description: must be a string, got list",
        _with_voice_line("    description: [a, b]"),
    ),
    Case(
        "description too long",
        "e2e.yaml:12: voices[0].description: is 5000 characters long",
        _with_voice_line(f"    description: {'x' * 5000}"),
    ),
    Case(
        "displayName too long",
        "e2e.yaml:12: voices[0].displayName: is 300 characters long",
        _with_voice_line(f"    displayName: {'x' * 300}"),
    ),
    Case(
        "resource name a list",
        "e2e.yaml:12: voices[0].name: must be a string",
        _with_voice_line("    name: [a]"),
    ),
    Case(
        "apiVersion unknown",
        "e2e.yaml:12: voices[0].apiVersion: 'banana' is not one of",
        _with_voice_line("    apiVersion: banana"),
    ),
    Case(
        "apiVersion in the future",
        "e2e.yaml:12: voices[0].apiVersion: '2099-01-01' is not one of",
        _with_voice_line("    apiVersion: 2099-01-01"),
    ),
    Case(
        "baseModel not a name",
        "e2e.yaml:12: voices[0].baseModel: 'Dragon Neural!' is not a base model name",
        _with_voice_line("    baseModel: Dragon Neural!"),
    ),
    Case(
        "createRequest unknown",
        "e2e.yaml:12: voices[0].createRequest: must be one of",
        _with_voice_line("    createRequest: post"),
    ),
    Case(
        "seed form, wrong version",
        "e2e.yaml:12: voices[0].createRequest: seed-document-post is the seed",
        _with_voice_line("    createRequest: seed-document-post"),
    ),
    Case("audios missing", "e2e.yaml:11: voices[0].audios: is required", BASE.split("    audios:")[0]),
    Case(
        "audios a string",
        "e2e.yaml:14: voices[0].audios: must be a mapping",
        BASE.split("    audios:")[0] + "    audios: everything\n",
    ),
    Case(
        "container and files",
        "e2e.yaml:14: voices[0].audios: give exactly one of containerUrl",
        _swap("      prefix: jessica/\n", "      prefix: jessica/\n      files: [audio/good.wav]\n"),
    ),
    Case(
        "neither container nor files",
        "e2e.yaml:14: voices[0].audios: give exactly one of containerUrl",
        _swap("      containerUrl: http://127.0.0.1:10000/devstoreaccount1/voices\n", ""),
    ),
    Case(
        "extensions empty", "e2e.yaml:17: voices[0].audios.extensions:", _swap('extensions: [".wav"]', "extensions: []")
    ),
    Case(
        "extension not one",
        "e2e.yaml:17: voices[0].audios.extensions[0]:",
        _swap('extensions: [".wav"]', 'extensions: ["w/a/v"]'),
    ),
    Case(
        "extensions a string",
        "e2e.yaml:17: voices[0].audios.extensions:",
        _swap('extensions: [".wav"]', "extensions: .wav"),
    ),
    Case(
        "container with a query",
        "e2e.yaml:15: voices[0].audios.containerUrl: must not carry a query",
        _swap("devstoreaccount1/voices\n", "devstoreaccount1/voices?sv=2024-11-04&sp=rl\n"),
    ),
    Case(
        "container with a signature",
        "e2e.yaml:15: voices[0].audios.containerUrl: carries a SAS signature",
        _swap("devstoreaccount1/voices\n", "devstoreaccount1/voices?sv=2024&sig=abc123\n"),
    ),
    Case(
        "container over plain http",
        "e2e.yaml:15: voices[0].audios.containerUrl: must use https",
        _swap("http://127.0.0.1:10000/devstoreaccount1/voices", "http://contoso.blob.core.windows.net/voices"),
    ),
    Case(
        "container on a loopback look-alike",
        "e2e.yaml:15: voices[0].audios.containerUrl: must use https",
        _swap(
            "http://127.0.0.1:10000/devstoreaccount1/voices", "http://127.0.0.1.nip.io:10000/devstoreaccount1/voices"
        ),
    ),
    Case(
        # urlsplit reads host 127.0.0.1; urllib3, which would send the request, reads evil.example.
        "consent audio behind a backslash",
        "e2e.yaml:9: consents[0].audioUrl: must not carry user info",
        _swap(
            "http://127.0.0.1:10000/devstoreaccount1/voices/consents",
            "http://evil.example\\@127.0.0.1:10000/devstoreaccount1/voices/consents",
        ),
    ),
    Case(
        "container whose name begins with the token's",
        "e2e.yaml:15: voices[0].audios.containerUrl: http://127.0.0.1:10000/devstoreaccount1/voices-v2 is outside "
        "the container config sasToken was issued for",
        _swap("devstoreaccount1/voices\n", "devstoreaccount1/voices-v2\n"),
    ),
    Case(
        "consent recording behind a user name",
        "e2e.yaml:9: consents[0].audioUrl: must not carry user info (user@host)",
        _swap(
            "http://127.0.0.1:10000/devstoreaccount1/voices/consents",
            "https://127.0.0.1@evil.example.net/voices/consents",
        ),
    ),
    Case(
        "container not a url",
        "e2e.yaml:15: voices[0].audios.containerUrl: must be an absolute https:// URL",
        _swap("http://127.0.0.1:10000/devstoreaccount1/voices", "ftp://contoso/voices"),
    ),
    Case(
        "file missing",
        "e2e.yaml:15: voices[0].audios.files[0]: no such file",
        _swap("audio/good.wav", "audio/gone.wav", FILES_VOICE),
    ),
    Case(
        "file absolute",
        "e2e.yaml:15: voices[0].audios.files[0]: must be relative",
        _swap("audio/good.wav", "/etc/passwd", FILES_VOICE),
    ),
    Case(
        "file above the project",
        "e2e.yaml:15: voices[0].audios.files[0]: must be relative",
        _swap("audio/good.wav", "../outside.wav", FILES_VOICE),
    ),
    Case(
        "file through a link",
        "e2e.yaml:15: voices[0].audios.files[0]: audio/linked.wav leads outside the project",
        _swap("audio/good.wav", "audio/linked.wav", FILES_VOICE),
    ),
    Case(
        "file of another extension",
        "e2e.yaml:15: voices[0].audios.files[0]: audio/good.wav does not have one of the extensions",
        _swap('extensions: [".wav"]', 'extensions: [".mp3"]', FILES_VOICE),
    ),
    Case(
        "file too short",
        "e2e.yaml:15: voices[0].audios.files[0]: audio/short.wav: 2.0 s long",
        _swap("audio/good.wav", "audio/short.wav", FILES_VOICE),
    ),
    Case(
        "file sampled at 8 kHz",
        "e2e.yaml:15: voices[0].audios.files[0]: audio/phone.wav: sampled at 8000 Hz",
        _swap("audio/good.wav", "audio/phone.wav", FILES_VOICE),
    ),
    Case(
        "files a string",
        "e2e.yaml:15: voices[0].audios.files: must be a non-empty list",
        _swap("files: [audio/good.wav]", "files: audio/good.wav", FILES_VOICE),
    ),
    Case(
        "prefix without storage",
        "e2e.yaml:16: voices[0].audios.prefix: is a folder of the stack's storage",
        _swap(
            "      files: [audio/good.wav]\n", "      files: [audio/good.wav]\n      prefix: jessica/\n", FILES_VOICE
        ),
    ),
    Case(
        "storage, no prefix",
        "e2e.yaml:17: voices[0].audios.prefix: with files, must be a folder",
        STORAGE + FILES_VOICE,
    ),
    Case(
        "storage, overlapping prefixes",
        "e2e.yaml:26: voices[1].audios.prefix: 'jessica/more/' overlaps 'jessica/'",
        STORAGE
        + _swap(
            "      files: [audio/good.wav]\n", "      files: [audio/good.wav]\n      prefix: jessica/\n", FILES_VOICE
        )
        + FILES_VOICE.split("voices:\n")[1]
        .replace("id: JessicaVoice", "id: Other")
        .replace("      files: [audio/good.wav]\n", "      files: [audio/good.wav]\n      prefix: jessica/more/\n"),
    ),
    Case(
        "storage container name",
        "e2e.yaml:3: storage.container:",
        STORAGE.replace("prompt-audio", "Prompt_Audio") + BASE,
    ),
    Case(
        "storage sas lifetime",
        "e2e.yaml:4: storage.sasLifetimeDays: unknown field",
        STORAGE + "  sasLifetimeDays: 0\n" + BASE,
    ),
    Case(
        "storage with a signature",
        "e2e.yaml:2: storage.accountUrl: carries a SAS signature",
        STORAGE.replace("devstoreaccount1\n", "devstoreaccount1?sig=abc\n") + BASE,
    ),
    # Consents and projects
    Case(
        "consent locale",
        "e2e.yaml:8: consents[0].locale: 'english' is not a locale",
        _swap("locale: en-US", "locale: english"),
    ),
    Case(
        "consent talent missing",
        "e2e.yaml:4: consents[0].voiceTalentName: is required",
        _swap("    voiceTalentName: Jessica Smith\n", ""),
    ),
    Case(
        "consent talent too long",
        "e2e.yaml:6: consents[0].voiceTalentName: is 300 characters long",
        _swap("Jessica Smith", "J" * 300),
    ),
    Case(
        "consent two recordings",
        "e2e.yaml:9: consents[0].audioFile: give exactly one",
        _swap("    audioUrl:", "    audioFile: audio/good.wav\n    audioUrl:"),
    ),
    Case(
        "consent no recording",
        "e2e.yaml:4: consents[0].audioFile: give exactly one",
        _swap("    audioUrl: http://127.0.0.1:10000/devstoreaccount1/voices/consents/jessica.wav\n", ""),
    ),
    Case(
        "consent recording missing",
        "e2e.yaml:9: consents[0].audioFile: no such file",
        _swap(
            "audioUrl: http://127.0.0.1:10000/devstoreaccount1/voices/consents/jessica.wav", "audioFile: audio/gone.wav"
        ),
    ),
    Case(
        "consent url with a signature",
        "e2e.yaml:9: consents[0].audioUrl: carries a SAS signature",
        _swap("consents/jessica.wav", "consents/jessica.wav?sig=abc"),
    ),
    Case(
        "consent project not declared",
        "e2e.yaml:5: consents[0].projectId: project 'nowhere' is not declared",
        _swap(
            "    projectId: contoso-personal-voices\n    voiceTalentName", "    projectId: nowhere\n    voiceTalentName"
        ),
    ),
    Case(
        "project forceDelete",
        "e2e.yaml:3: projects[0].forceDelete: must be true or false",
        _swap(
            "  - id: contoso-personal-voices\nconsents",
            "  - id: contoso-personal-voices\n    forceDelete: yes please\nconsents",
        ),
    ),
    Case(
        "voice protect",
        "e2e.yaml:12: voices[0].protect: must be true or false",
        _swap("  - id: JessicaVoice\n", "  - id: JessicaVoice\n    protect: 'no'\n"),
    ),
    Case(
        "project id",
        "e2e.yaml:2: projects[0].id: 'a' is not a valid id",
        _swap("  - id: contoso-personal-voices\nconsents", "  - id: a\nconsents"),
    ),
    # Stack config
    Case(
        "endpoint not a url",
        "config speechEndpoint: must be an absolute https:// URL",
        config={"speechEndpoint": "ftp://speech"},
    ),
    Case(
        "endpoint with a path",
        "config speechEndpoint: must be the Speech resource's base URL",
        config={"speechEndpoint": "https://eastus.api.cognitive.microsoft.com/customvoice"},
    ),
    Case(
        "endpoint over plain http",
        "config speechEndpoint: must use https",
        config={"speechEndpoint": "http://eastus.api.cognitive.microsoft.com"},
    ),
    Case(
        # Accepted before: urlsplit reads 127.0.0.1, so plain http passed, and the Speech key
        # went to evil.example, which urllib3 reads.
        "endpoint behind a backslash",
        "config speechEndpoint: must not carry user info",
        config={"speechEndpoint": "http://evil.example\\@127.0.0.1:8765"},
    ),
    Case(
        "entra endpoint with the suffix appended",
        "config speechEndpoint: 'https://contoso.cognitiveservices.azure.com.evil.example' is not a custom subdomain",
        config={
            "authentication": "entra",
            "speechEndpoint": "https://contoso.cognitiveservices.azure.com.evil.example",
        },
    ),
    Case(
        "no speech key",
        "config speechKey: is required when authentication is key (set it with "
        "`pulumi config set --secret speechKey <key>`, or set AZURE_SPEECH_KEY)",
        config={"speechKey": None},
    ),
    Case(
        "storage without its account key",
        "config storageAccountKey: is required when authentication is key and the catalog has storage",
        STORAGE
        + _swap(
            "      files: [audio/good.wav]\n", "      files: [audio/good.wav]\n      prefix: jessica/\n", FILES_VOICE
        ),
    ),
    Case(
        "stack baseModel not a name",
        "config baseModel: '<voice>' is not a base model name",
        config={"baseModel": "<voice>"},
    ),
    Case(
        "stack apiVersion unknown", "config apiVersion: '2099-01-01' is not one of", config={"apiVersion": "2099-01-01"}
    ),
    Case(
        "negative timeout",
        "config createTimeoutSeconds: '-5' must be greater than 0",
        config={"createTimeoutSeconds": "-5"},
    ),
    Case(
        "zero poll interval",
        "config pollIntervalSeconds: '0' must be greater than 0",
        config={"pollIntervalSeconds": "0"},
    ),
    Case("retries not a number", "config httpRetries: 'abc' is not a number", config={"httpRetries": "abc"}),
    Case(
        "backoff too long",
        "config retryBackoffSeconds: '1000' must be at most 60",
        config={"retryBackoffSeconds": "1000"},
    ),
    Case("unknown authentication", "config authentication is 'password'", config={"authentication": "password"}),
    Case(
        "entra on a regional endpoint",
        "config speechEndpoint: 'https://eastus.api.cognitive.microsoft.com' is not a custom subdomain",
        config={"authentication": "entra", "speechEndpoint": "https://eastus.api.cognitive.microsoft.com"},
    ),
    Case(
        "sas token with no container",
        "config sasContainer is required when config sasToken (or PV_SAS_TOKEN) is set",
        config={"sasContainer": ""},
    ),
    Case(
        "protectVoices not a flag",
        "config protectVoices: 'always' must be true or false",
        config={"protectVoices": "always"},
    ),
    Case(
        "delete share above one",
        "config maxVoiceDeleteShare: '2' must be at most 1",
        config={"maxVoiceDeleteShare": "2"},
    ),
]
