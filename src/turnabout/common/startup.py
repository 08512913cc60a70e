"""What `turnabout serve` prints when it starts, beyond its address.

`common` cannot know the apps above it, so they register here (from their AppConfig.ready)
a function that returns the lines to print, e.g. the demo's logins when the demo is loaded.
"""

from __future__ import annotations

from collections.abc import Callable

Banner = Callable[[], list[str]]

_banners: list[Banner] = []


def register_banner(banner: Banner) -> None:
    """Add `banner` (once) to what serve prints at start."""
    if banner not in _banners:
        _banners.append(banner)


def banner_lines() -> list[str]:
    """Every registered banner's lines, in registration order."""
    return [line for banner in _banners for line in banner()]
