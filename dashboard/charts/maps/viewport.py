"""Where the map looks: its size, the whole lower 48 on a desktop or a phone, and a view fitted to any box."""

from __future__ import annotations

import math

US_VIEW = {"latitude": 38.5, "longitude": -96.5, "zoom": 3.2}
LOWER_48 = (-124.8, 24.5, -66.9, 49.4)
DESKTOP_WIDTH, PHONE_WIDTH = 900, 340  # the map's width in px the view is fitted to (the real one is unknown)
MAP_HEIGHT = 520
MAP_HEIGHT_PHONE = 340


def us_view(*, phone: bool = False) -> dict[str, float]:
    """The whole lower 48: the fixed desktop view, or one fitted to a phone's width."""
    return view_for_bounds(LOWER_48, width=PHONE_WIDTH, height=MAP_HEIGHT_PHONE) if phone else dict(US_VIEW)


def view_for_bounds(bounds: tuple[float, float, float, float] | None, *, width: int = 640,
                    height: int = MAP_HEIGHT) -> dict[str, float]:
    """Centre and zoom that fit a (west, south, east, north) box into a map of about width x height px."""
    if bounds is None:
        return dict(US_VIEW)
    west, south, east, north = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_span = max(east - west, 0.05)
    y_span = max(merc(north) - merc(south), 0.001)
    zoom_x = math.log2(width * 360.0 / (512.0 * lon_span))
    zoom_y = math.log2(height * 2 * math.pi / (512.0 * y_span))
    zoom = max(1.0, min(11.0, min(zoom_x, zoom_y) - 0.2))
    mid_y = (merc(north) + merc(south)) / 2
    lat = math.degrees(2 * math.atan(math.exp(mid_y)) - math.pi / 2)
    return {"latitude": round(lat, 4), "longitude": round((west + east) / 2, 4), "zoom": round(zoom, 2)}
