"""Forms of the people pages."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from turnabout.people.importing import MAX_FILE_BYTES

_ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HR export"),
        help_text=_("A CSV file (UTF-8) or an Excel workbook (.xlsx), at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run (check only)"),
        required=False,
        help_text=_("Check every row and count what would change, without saving anything."),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is too big: at most %(size)d MB."),
                code="too_big",
                params={"size": MAX_FILE_BYTES // 2**20},
            )
        return upload
