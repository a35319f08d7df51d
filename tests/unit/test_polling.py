"""The poll schedule: every interval while provisioning usually ends, then backing off."""

from provider.speech.polling import PollSettings, StatusPoller


class Service:
    """A resource that is Succeeded from `ready_at` on, on a fake clock the poller sleeps on."""

    def __init__(self, ready_at: float) -> None:
        self.now = 0.0
        self.ready_at = ready_at
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds

    def fetch(self) -> dict[str, str]:
        return {"status": "Succeeded" if self.now >= self.ready_at else "Running"}

    def wait(self) -> dict[str, str]:
        settings = PollSettings(initial_interval=1.0, sleep=self.sleep, clock=lambda: self.now)
        return StatusPoller("Voice 'v'", self.fetch, {"status": "NotStarted"}, settings).result()


def test_a_usual_create_is_seen_done_within_one_interval():
    service = Service(ready_at=4.5)
    assert service.wait()["status"] == "Succeeded"
    assert service.slept == [1.0] * 5  # seen at 5 s; growing waits (1, 1.5, 2.25, 3.4) saw it at 8.2 s


def test_after_the_steady_time_the_polls_back_off_to_the_maximum():
    service = Service(ready_at=60)
    service.wait()
    assert service.slept[:10] == [1.0] * 10
    assert service.slept[10:14] == [1.5, 2.25, 3.375, 5.062]
    assert max(service.slept) == 10.0
