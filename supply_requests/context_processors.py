from django.http import HttpRequest

from supply_requests.roles import roles_for


def roles(request: HttpRequest) -> dict:
    """The signed-in person's roles, for the navigation of every page."""
    user = getattr(request, "user", None)
    return {"my_roles": roles_for(user) if user is not None and user.is_authenticated else None}
