"""A minimal tray host on the test's D-Bus session, so the app's tray meets a real panel's side
of the protocol: an `org.kde.StatusNotifierWatcher` that items register with (what KDE Plasma,
the GNOME AppIndicator extension or waybar run), and a host that reads an item's properties and
its `com.canonical.dbusmenu` menu and clicks its entries the way a panel does (AboutToShow, then
Event "clicked").

Pure Python over jeepney (tests/e2e/requirements.txt). Specs: StatusNotifierItem
(freedesktop.org wiki, "StatusNotifierItem"/"StatusNotifierWatcher") and libdbusmenu's
com.canonical.dbusmenu.xml.
"""
from __future__ import annotations

import threading
import time

from jeepney import DBusAddress, HeaderFields, MessageType, Properties, new_error, new_method_call, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

WATCHER_NAME = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
ITEM_IFACE = "org.kde.StatusNotifierItem"
MENU_IFACE = "com.canonical.dbusmenu"
PROPS_IFACE = "org.freedesktop.DBus.Properties"


class Watcher:
    """`org.kde.StatusNotifierWatcher` on the session bus, served from a thread until `stop()`.

    Items register with their bus name (ksni) or an object path (then the sender's name is
    used); `items` lists them as "name/path" strings, as the spec's RegisteredStatusNotifierItems.
    """

    def __init__(self) -> None:
        self.conn = open_dbus_connection(bus="SESSION")
        got = self.conn.send_and_get_reply(message_bus.RequestName(WATCHER_NAME, 0x4))  # DO_NOT_QUEUE
        if got.body[0] != 1:  # PRIMARY_OWNER
            self.conn.close()
            raise RuntimeError(f"another {WATCHER_NAME} runs on this bus (RequestName answered {got.body[0]})")
        self.items: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="sni-watcher", daemon=True)
        self._thread.start()

    def _props(self) -> dict:
        with self._lock:
            items = list(self.items)
        return {
            "RegisteredStatusNotifierItems": ("as", items),
            "IsStatusNotifierHostRegistered": ("b", True),
            "ProtocolVersion": ("i", 0),
        }

    def _serve(self) -> None:
        watcher = DBusAddress(WATCHER_PATH, interface=WATCHER_NAME)
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, ValueError):
                return  # the connection was closed by stop()
            h = msg.header
            if h.message_type != MessageType.method_call:
                continue
            member = h.fields.get(HeaderFields.member)
            iface = h.fields.get(HeaderFields.interface)
            sender = h.fields.get(HeaderFields.sender)
            if iface in (WATCHER_NAME, None) and member == "RegisterStatusNotifierItem":
                arg = msg.body[0]
                item = f"{sender}{arg}" if arg.startswith("/") else f"{arg}/StatusNotifierItem"
                with self._lock:
                    if item not in self.items:
                        self.items.append(item)
                self.conn.send(new_method_return(msg))
                self.conn.send(new_signal(watcher, "StatusNotifierItemRegistered", "s", (item,)))
            elif iface in (WATCHER_NAME, None) and member == "RegisterStatusNotifierHost":
                self.conn.send(new_method_return(msg))
            elif iface == PROPS_IFACE and member == "Get" and msg.body[1] in self._props():
                self.conn.send(new_method_return(msg, "v", (self._props()[msg.body[1]],)))
            elif iface == PROPS_IFACE and member == "GetAll":
                self.conn.send(new_method_return(msg, "a{sv}", (self._props(),)))
            else:
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"{iface}.{member} is not served here",)))

    def wait_for_item(self, timeout: float = 15.0) -> "Item":
        """The first item that registers (waits for it)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self._lock:
                if self.items:
                    name, _, path = self.items[0].partition("/")
                    return Item(name, "/" + path)
            time.sleep(0.1)
        raise AssertionError(f"no tray item registered with the StatusNotifierWatcher within {timeout}s")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.conn.close()


def _unvariant(v):
    """jeepney gives a variant as (signature, value)."""
    return v[1] if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str) else v


class Item:
    """A registered StatusNotifierItem, read and clicked as a panel does."""

    def __init__(self, name: str, path: str) -> None:
        self.name, self.path = name, path
        self.conn = open_dbus_connection(bus="SESSION")

    def _call(self, path: str, iface: str, member: str, sig: str | None = None, body: tuple = ()):
        msg = new_method_call(DBusAddress(path, bus_name=self.name, interface=iface), member, sig, body)
        reply = self.conn.send_and_get_reply(msg, timeout=10)
        if reply.header.message_type == MessageType.error:
            raise RuntimeError(f"{iface}.{member} failed: {reply.header.fields.get(HeaderFields.error_name)} {reply.body}")
        return reply.body

    def properties(self) -> dict:
        """Every org.kde.StatusNotifierItem property, plain values (ToolTip is (icon, pixmaps, title, text))."""
        addr = DBusAddress(self.path, bus_name=self.name, interface=ITEM_IFACE)
        reply = self.conn.send_and_get_reply(Properties(addr).get_all(), timeout=10)
        return {k: _unvariant(v) for k, v in reply.body[0].items()}

    def tooltip(self) -> tuple[str, str]:
        """(title, text) of the ToolTip property."""
        _icon, _pixmaps, title, text = self.properties()["ToolTip"]
        return title, text

    def activate(self) -> None:
        """A left click on the icon."""
        self._call(self.path, ITEM_IFACE, "Activate", "ii", (0, 0))

    def menu_path(self) -> str:
        return self.properties()["Menu"]

    def menu(self) -> list[dict]:
        """The top level of the menu: [{id, label, enabled, type}] (separators have type "separator")."""
        path = self.menu_path()
        self._call(path, MENU_IFACE, "AboutToShow", "i", (0,))
        _revision, (_root, _props, children) = self._call(path, MENU_IFACE, "GetLayout", "iias", (0, -1, []))
        out = []
        for child in children:
            cid, props, _sub = _unvariant(child)
            props = {k: _unvariant(v) for k, v in props.items()}
            out.append({
                "id": cid,
                "label": props.get("label", "").replace("_", ""),
                "enabled": props.get("enabled", True),
                "type": props.get("type", "standard"),
            })
        return out

    def entry(self, label: str) -> dict:
        for e in self.menu():
            if e["label"] == label:
                return e
        raise AssertionError(f"no menu entry {label!r} in {[e['label'] for e in self.menu()]}")

    def click(self, label: str) -> None:
        """Click a menu entry by its label, as a panel does: com.canonical.dbusmenu.Event "clicked"."""
        e = self.entry(label)
        assert e["enabled"], f"the menu entry {label!r} is disabled"
        self._call(self.menu_path(), MENU_IFACE, "Event", "isvu", (e["id"], "clicked", ("i", 0), int(time.time()) & 0xFFFFFFFF))

    def close(self) -> None:
        self.conn.close()


if __name__ == "__main__":
    # A tray host for a whole session (tests/bench/app_bench.sh): serve until stopped (SIGTERM).
    import signal
    import sys

    stop = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop)  # before the thread starts: it inherits the mask
    w = Watcher()
    print("StatusNotifierWatcher ready", flush=True)
    signal.sigwait(stop)
    w.stop()
    print(f"StatusNotifierWatcher: {len(w.items)} item(s) registered", file=sys.stderr, flush=True)
