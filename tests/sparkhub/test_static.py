"""plotly.js is served from our own static files, the same build the plotly package ships."""

from pathlib import Path

import plotly

from tests.sparkhub.helpers import REPO


def test_the_vendored_plotly_js_is_the_plotly_package_build():
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    vendored = REPO / "static" / "vendor" / "plotly.min.js"

    assert vendored.read_bytes() == shipped.read_bytes(), (
        "static/vendor/plotly.min.js differs from the installed plotly: copy it again"
    )


def test_templates_never_load_scripts_from_a_cdn():
    for template in (REPO / "templates").rglob("*.html"):
        text = template.read_text()
        assert "cdn." not in text and "//unpkg" not in text, template
