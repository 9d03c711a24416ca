"""``AdbDevice`` through Debian's real adb server and the virtual phone's daemon.

No adbutils mocking: every call crosses adb's smart-socket protocol to a private adb server,
then the transport protocol to ``AdbDaemon`` (habit: test drivers against the real wire).
"""

from __future__ import annotations

import io
import time

import pytest

from pocketpilot.devices.actions import Back, ClearText, Launch, Tap, TypeText, Wait
from pocketpilot.devices.adb import AdbDevice
from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import (
    DeviceCommandFailed,
    DeviceDisconnected,
    InvalidAction,
    UntypeableText,
)
from pocketpilot.devices.gestures import InputText, KeyPress, StartApp, TapAt
from tests.devices.test_adb_fixtures import (  # noqa: F401
    AdbServer,
    StandInPhone,
    adb_server,
    connected,
    daemon,
    needs_adb,
    stand_in,
)

pytestmark = needs_adb


@pytest.fixture
def device(connected: tuple[AdbDaemon, AdbServer]) -> AdbDevice:  # noqa: F811
    served, server = connected
    return AdbDevice(served.serial, adb_port=server.port, timeout=10)


def test_adb_devices_lists_the_daemon(connected: tuple[AdbDaemon, AdbServer]) -> None:  # noqa: F811
    served, server = connected
    listing = server.run("devices", "-l").stdout.decode()
    assert f"{served.serial}" in listing and "model:Pocketpilot_Virtual" in listing


def test_adb_device_implements_the_device_protocol(device: AdbDevice) -> None:
    assert isinstance(device, Device)


def test_observe_parses_the_dump_with_activity_and_size(device: AdbDevice) -> None:
    screen = device.observe()
    assert screen.activity == "com.android.contacts.MainActivity"
    assert screen.size == (1080, 2400)
    assert [e.label for e in screen.find("send")] == ["Send"]


def test_type_into_a_found_field_taps_it_then_types_exactly(
    device: AdbDevice, stand_in: StandInPhone  # noqa: F811
) -> None:
    field = device.observe().find("Search")[0]
    text = "O'Brien & co; $HOME `id` 100%sure *?"
    result = device.act(TypeText(text, element=field.id))
    assert stand_in.performed[0] == TapAt(*field.bounds.center)
    assert stand_in.typed == text
    assert "input text" in result.detail and result.seconds >= 0


def test_multiline_text_sends_enter_between_lines(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    device.observe()
    device.act(TypeText("line one\nline two"))
    assert stand_in.performed == [
        InputText("line one"), KeyPress(("KEYCODE_ENTER",)), InputText("line two")
    ]


def test_untypeable_text_is_rejected_before_the_device_is_touched(
    device: AdbDevice, stand_in: StandInPhone  # noqa: F811
) -> None:
    device.shell("ime set com.android.inputmethod.latin/.LatinIME")  # no ADB Keyboard: no Unicode route
    field = device.observe().find("Search")[0]
    with pytest.raises(UntypeableText, match="non-ASCII"):
        device.act(TypeText("héllo", element=field.id))
    assert stand_in.performed == []  # not even the focusing tap


def test_taps_keys_clear_and_wait(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    stand_in.typed = "abc"
    screen = device.observe()
    device.act(Tap(element=screen.find("Send")[0].id))
    device.act(ClearText(element=screen.find("Search")[0].id))
    device.act(Back())
    device.act(Wait(0.01))
    assert stand_in.typed == ""
    assert stand_in.performed[-1] == KeyPress(("KEYCODE_BACK",))


def test_invalid_action_raises_before_any_command(device: AdbDevice) -> None:
    device.observe()
    with pytest.raises(InvalidAction):
        device.act(Tap(element=99))


def test_launch_resolves_a_label_to_its_package(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    device.launch("clock")
    assert stand_in.performed == [StartApp("com.android.deskclock")]
    assert device.observe().activity == "com.android.deskclock.MainActivity"


def test_launch_of_an_unknown_app_says_no_launcher_activity(device: AdbDevice) -> None:
    with pytest.raises(DeviceCommandFailed, match="no launcher activity"):
        device.act(Launch("com.example.nothing"))


def test_apps_come_with_labels(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    assert sorted(device.apps(), key=lambda a: a.package) == sorted(stand_in.apps(), key=lambda a: a.package)


def test_screenshot_is_the_phones_png(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    assert device.screenshot() == stand_in.screenshot()


def test_adb_exec_out_screencap_writes_a_valid_png(
    connected: tuple[AdbDaemon, AdbServer], tmp_path, stand_in: StandInPhone  # noqa: F811
) -> None:
    from PIL import Image

    served, server = connected
    out = server.run("-s", served.serial, "exec-out", "screencap", "-p")
    path = tmp_path / "s.png"
    path.write_bytes(out.stdout)
    with Image.open(path) as image:
        image.verify()
    assert out.stdout == stand_in.screenshot()


def test_adb_shell_reports_exit_status_and_stderr(connected: tuple[AdbDaemon, AdbServer]) -> None:  # noqa: F811
    served, server = connected
    result = server.run("-s", served.serial, "shell", "nosuch")
    assert result.returncode == 127
    assert result.stderr.endswith(b"/system/bin/sh: nosuch: inaccessible or not found\n")


def test_sensors_info_and_state(device: AdbDevice, stand_in: StandInPhone) -> None:  # noqa: F811
    sensors = device.sensors()
    assert sensors.battery_level == stand_in.sensors().battery_level
    assert sensors.thermal_status == stand_in.sensors().thermal_status
    info = device.info()
    assert (info.model, info.android_version, info.screen_size, info.kind) == (
        "Pocketpilot Virtual", "14", (1080, 2400), "adb"
    )


def test_a_command_failing_on_a_live_device_is_not_a_disconnect(device: AdbDevice) -> None:
    assert device.shell("nosuch").status == 127  # shell status is data, not an exception
    with pytest.raises(DeviceCommandFailed):
        device._adb.run("refused", lambda conn: conn.read_until_close(), service="sync:")


def test_stopping_the_daemon_gives_device_disconnected_in_bounded_time(
    connected: tuple[AdbDaemon, AdbServer],  # noqa: F811
) -> None:
    served, server = connected
    device = AdbDevice(served.serial, adb_port=server.port, reconnect_attempts=1, timeout=5)
    device.observe()
    served.stop()
    started = time.monotonic()
    with pytest.raises(DeviceDisconnected) as caught:
        device.observe()
    assert caught.value.serial == served.serial
    assert time.monotonic() - started < 30  # bound, not a speed claim: reconnect is capped


def test_unknown_serial_is_disconnected_not_a_crash(adb_server: AdbServer) -> None:  # noqa: F811
    device = AdbDevice("127.0.0.1:1", adb_port=adb_server.port, reconnect_attempts=1)
    with pytest.raises(DeviceDisconnected, match=r"127\.0\.0\.1:1"):
        device.info()


@pytest.fixture
def real_phone(adb_server: AdbServer):  # noqa: F811
    from pocketpilot.devices.virtual import VirtualPhone

    phone = VirtualPhone()
    with AdbDaemon(phone) as served:
        adb_server.connect(served.serial)
        yield phone, AdbDevice(served.serial, adb_port=adb_server.port, timeout=15), served


def test_the_real_virtual_phone_reads_the_same_over_adb(real_phone) -> None:
    phone, device, _ = real_phone
    screen = device.observe()
    assert screen.signature == phone.observe().signature
    assert (screen.package, screen.activity) == phone.focus()
    assert screen.size == phone.info().screen_size


def test_the_real_virtual_phone_screenshot_and_sensors_over_adb(real_phone, adb_server) -> None:  # noqa: F811
    from PIL import Image

    phone, device, served = real_phone
    png = adb_server.run("-s", served.serial, "exec-out", "screencap", "-p").stdout
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == phone.info().screen_size
    sensors = device.sensors()
    assert sensors.battery_level is not None and sensors.thermal_status is not None
    assert sensors.problems == ()


@pytest.mark.slow
def test_ocr_reads_the_labels_from_adb_exec_out_screencap(real_phone, adb_server, tmp_path) -> None:  # noqa: F811
    from rapidocr_onnxruntime import RapidOCR

    phone, _device, served = real_phone
    phone.launch("Contacts")
    png = tmp_path / "s.png"
    png.write_bytes(adb_server.run("-s", served.serial, "exec-out", "screencap", "-p").stdout)
    result, _ = RapidOCR()(str(png))
    read = " ".join(text for _box, text, _score in result or [])
    for label in ("Search contacts", "Bob Smith", "Create contact"):
        assert label in read, read
