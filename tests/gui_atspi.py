#!/usr/bin/python3
"""End-to-end check of the real binary over AT-SPI: find Run by its
accessible name, click it, read the result log. Run by tests/gui_atspi.rs."""

import sys
import time

import pyatspi


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for c in children:
        yield from walk(c, depth + 1)


def find_app(names, timeout):
    end = time.time() + timeout
    while time.time() < end:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            try:
                if app is not None and app.name in names:
                    return app
            except Exception:
                pass
        time.sleep(0.2)
    return None


def wait_for(what, timeout, fn):
    end = time.time() + timeout
    while time.time() < end:
        r = fn()
        if r:
            return r
        time.sleep(0.2)
    sys.exit(f"timed out waiting for {what}")


def main():
    app = find_app({"apdu-scriptor", "APDU Scriptor"}, 30)
    if app is None:
        sys.exit("application not found on the accessibility bus")

    def run_button():
        for n in walk(app):
            try:
                if n.getRoleName() in ("push button", "button") and n.name == "Run":
                    return n
            except Exception:
                pass
        return None

    run = wait_for("the Run button", 20, run_button)
    action = run.queryAction()
    names = [action.getName(i) for i in range(action.nActions)]
    action.doAction(names.index("click") if "click" in names else 0)

    def log_texts():
        for n in walk(app):
            try:
                if n.name == "Result Log":
                    texts = [c.name for c in walk(n) if c.getRoleName() == "label"]
                    return texts if any("9000" == t for t in texts) else None
            except Exception:
                pass
        return None

    texts = wait_for("a 9000 row in the result log", 30, log_texts)
    joined = "\n".join(texts)
    for expected in sys.argv[1:]:
        if expected not in joined:
            sys.exit(f"{expected!r} not in the log:\n{joined}")
    print("atspi ok")


if __name__ == "__main__":
    main()
