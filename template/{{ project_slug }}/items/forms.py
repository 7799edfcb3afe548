"""Validation of the JSON bodies the example app's views accept."""

from typing import Any

from django import forms


class ItemForm(forms.Form):
    collection = forms.IntegerField(min_value=1)
    name = forms.CharField(max_length=200)
    price = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = forms.RegexField(regex=r"^[A-Za-z]{3}$", required=False)
    tags = forms.JSONField(required=False)
    metadata = forms.JSONField(required=False)

    def clean_tags(self) -> list[str]:
        tags = self.cleaned_data["tags"] or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise forms.ValidationError("Enter a list of strings.", code="invalid")
        return tags

    def clean_metadata(self) -> dict[str, Any]:
        metadata = self.cleaned_data["metadata"] or {}
        if not isinstance(metadata, dict):
            raise forms.ValidationError("Enter a JSON object.", code="invalid")
        return metadata


class ItemUpdateForm(ItemForm):
    """A partial update: every field is optional, and a missing one keeps its value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["collection"]
        for field in self.fields.values():
            field.required = False

    def changes(self) -> dict[str, Any]:
        """The cleaned values of the fields the request actually sent."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.data}
