"""Access decorators: a view declares which space it belongs to."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from portal.spaces import SpaceKind


def space_required(*kinds: SpaceKind):
    """The view needs an active space of one of these kinds; otherwise go to the user's home."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.space is None or request.space.kind not in kinds:
                return redirect("home")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
