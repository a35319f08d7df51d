"""A mock monitor that keeps what the program registered."""

from pulumi.runtime.mocks import MockMonitor


class RecordingMonitor(MockMonitor):
    """Keeps each registration request, to see what the engine would be told."""

    def __init__(self, mocks):
        super().__init__(mocks)
        self.requests = []

    def RegisterResource(self, request):
        self.requests.append(request)
        return super().RegisterResource(request)

    def of_type(self, type_):
        return {r.name: r for r in self.requests if r.type == type_}

    def urn_of(self, type_, name):
        return next(urn for urn, r in self.resources.items() if urn.endswith(f"{type_}::{name}"))
