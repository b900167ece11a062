"""A tiny GTK 3 window that drags the files named on the command line as `text/uri-list`,
the way a file manager does. The end-to-end test presses the mouse on it and lets go over the
Wixdrop window (xdotool), so the app receives a real X11 (XDND) drop.

Usage: python3 dragsource.py X Y FILE...   (prints "ready" once mapped, "drag-end" when done)
"""
import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]

    win = Gtk.Window(title="Wixdrop test drag source")
    win.set_default_size(160, 90)
    win.move(x, y)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label=f"drag {len(uris)} file(s)"))
    box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    box.drag_source_add_uri_targets()
    box.connect("drag-data-get", lambda _w, _ctx, data, _info, _t: data.set_uris(uris))
    box.connect("drag-end", lambda *_a: print("drag-end", flush=True))
    win.add(box)
    win.connect("destroy", Gtk.main_quit)
    win.connect("map-event", lambda *_a: GLib.timeout_add(200, lambda: print("ready", flush=True) and False))
    win.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
