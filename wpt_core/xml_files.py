"""Reading the simulator's XML inputs (route files, SUMO networks) with errors that name the file."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Type


def parse_xml_root(path: str | Path, root_tag: str, what: str, error: Type[Exception]) -> ET.Element:
    """The root element of `path`; a missing file, broken XML or another root raises `error` naming the file."""
    try:
        root = ET.parse(path).getroot()
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except OSError as exc:   # a folder, no permission, ...
        raise error(f"{path}: cannot read the {what} ({exc.strerror})") from None
    except ET.ParseError as exc:
        raise error(f"{path}: not valid XML: {exc}") from None
    if root.tag != root_tag:
        raise error(f"{path}: not a {what} (root element <{root.tag}>, expected <{root_tag}>)")
    return root
