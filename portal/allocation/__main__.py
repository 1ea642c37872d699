"""Command line: `python -m portal.allocation solve INSTANCE.json [-o RESULT.json]`.

Reads an instance as JSON ("-" for standard input), writes the result as pretty JSON with
sorted keys to RESULT.json or standard output. A bad instance or unreadable file exits with
status 2 and a message on standard error that names the culprit.
"""

import argparse
import json
import sys

from portal.allocation.solver import solve
from portal.allocation.validate import InstanceError


def _read(path: str):
    if path == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        name = path
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise InstanceError(f"{path}: Datei nicht lesbar ({error}).", [path]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError(
            f"{name}: kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno}: "
            f"{error.msg}).",
            [name],
        ) from error


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m portal.allocation", description="Optimale Zuteilung zu Sitzungen."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("solve", help="eine Instanz optimal zuteilen")
    command.add_argument("instance", metavar="INSTANCE.json", help='Instanz ("-" für stdin)')
    command.add_argument("-o", "--output", metavar="RESULT.json", help="Ergebnisdatei")
    args = parser.parse_args(argv)
    try:
        result = solve(_read(args.instance))
    except InstanceError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
