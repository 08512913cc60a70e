"""Content-Security-Policy helpers (the policy itself is `CONTENT_SECURITY_POLICY` in the
settings, served by django-csp).

Server-rendered SVG charts carry a `<style>` element; it gets the request's nonce through
a placeholder that `SecurityHeadersMiddleware` replaces in HTML responses. The placeholder
is only ever written by our chart code: text from users is escaped, so it cannot open a
`<style>` element of its own.
"""

from __future__ import annotations

NONCE_PLACEHOLDER = "__turnabout_csp_nonce__"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
