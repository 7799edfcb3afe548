from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class IsOwnerOrReadOnly(BasePermission):
    """Anyone allowed in may read an object; only its owner may change it.

    The view names the object's owner id with `owner_field` (a dotted path such as
    "collection.owner_id"). Services check ownership again, so no entry point can skip the rule;
    this check answers 403 before a write is even attempted and documents the rule on the view.
    """

    message = "Only the owner can change this."

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        owner_id = obj
        for attribute in view.owner_field.split("."):  # type: ignore[attr-defined]
            owner_id = getattr(owner_id, attribute)
        return bool(owner_id == request.user.pk)
