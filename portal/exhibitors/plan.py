"""The foyer plan as pure geometry: grid bounds, overlaps and the drawing of the SVG."""

from typing import NamedTuple

GRID_COLUMNS = 12
GRID_ROWS = 8
MAX_SIZE = 4  # a place spans at most 4 x 4 cells
CELL = 80  # SVG units per grid cell
GAP = 6  # SVG units between neighbouring places


class Grid(NamedTuple):
    columns: int = GRID_COLUMNS
    rows: int = GRID_ROWS
    max_size: int = MAX_SIZE


class Rect(NamedTuple):
    x: int
    y: int
    width: int
    height: int

    def cells(self) -> set[tuple[int, int]]:
        return {
            (col, row)
            for col in range(self.x, self.x + self.width)
            for row in range(self.y, self.y + self.height)
        }


class SvgPlace(NamedTuple):
    """A place drawn on the SVG: its rectangle, text positions and occupant."""

    place: object
    booth: object | None
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int
    place_text: str
    booth_text: str


def out_of_bounds(rect: Rect) -> str | None:
    """The field ('x', 'y', 'width', 'height') whose value leaves the grid, or None."""
    if not 1 <= rect.width <= MAX_SIZE:
        return "width"
    if not 1 <= rect.height <= MAX_SIZE:
        return "height"
    if not 1 <= rect.x or rect.x + rect.width - 1 > GRID_COLUMNS:
        return "x"
    if not 1 <= rect.y or rect.y + rect.height - 1 > GRID_ROWS:
        return "y"
    return None


def first_overlap(rect: Rect, others: dict) -> object | None:
    """The key of the first rectangle in `others` (key -> Rect) sharing a cell with `rect`."""
    cells = rect.cells()
    for key, other in others.items():
        if cells & other.cells():
            return key
    return None


def svg_places(places, booth_by_place: dict) -> list[SvgPlace]:
    """Rectangles of the places in SVG units, each with the booth standing on it."""
    drawn = []
    for place in places:
        x = (place.x - 1) * CELL + GAP
        y = (place.y - 1) * CELL + GAP
        width = place.width * CELL - 2 * GAP
        height = place.height * CELL - 2 * GAP
        booth = booth_by_place.get(place.id)
        place_text = f"{place.number} · {place.label}" if place.label else str(place.number)
        drawn.append(
            SvgPlace(
                place,
                booth,
                x,
                y,
                width,
                height,
                x + 8,
                y + 22,
                short(place_text, place.width),
                short(booth.organisation, place.width) if booth else "",
            )
        )
    return drawn


def svg_size() -> tuple[int, int]:
    return GRID_COLUMNS * CELL, GRID_ROWS * CELL


def short(text: str, width_cells: int) -> str:
    """Cut a label to what fits into a place that is `width_cells` wide."""
    limit = max(width_cells * 9, 6)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
