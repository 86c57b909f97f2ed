"""`python -m dashboard.charts.maps`: rewrite dashboard/static/map-shapes.json from data/geo (after the
geography changes)."""

from pathlib import Path

from dashboard.charts.maps.shapes import write_shapes

if __name__ == "__main__":
    _root = Path(__file__).resolve().parents[3]
    print(write_shapes(_root / "data" / "geo", _root / "dashboard" / "static"))
