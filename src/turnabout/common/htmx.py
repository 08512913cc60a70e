from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (django-htmx sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))
