"""Issue 20: organisation staff assemble family kits at a site (and take them apart): the
page parses, `inventory.services.kits` does the ledger."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pages import attempt
from core.quantities import QuantityField
from inventory.models import Item, KitComponent
from inventory.services import kit_assemble
from inventory.stock_pages import my_sites, stock_url


class KitAssembleForm(forms.Form):
    site = forms.ChoiceField(label=gettext_lazy("Site"))
    kit = forms.ChoiceField(label=gettext_lazy("Kit"))
    count = QuantityField(label=gettext_lazy("Number of kits"), max_value=100_000)

    def __init__(self, *args, sites, kits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(s.code, s.name) for s in sites]
        self.fields["kit"].choices = [(k.code, k.name_zh) for k in kits]


@login_required
def kit_assemble_view(request: HttpRequest) -> HttpResponse:
    sites = my_sites(request)
    # Every kit with its recipe in two statements, however many kits there are.
    kits = list(
        Item.objects.filter(pk__in=KitComponent.objects.values("kit_id"))
        .order_by("name_zh")
        .prefetch_related(
            Prefetch(
                "kit_components",
                queryset=KitComponent.objects.select_related("component").order_by("pk"),
            )
        )
    )
    recipes = {kit.code: list(kit.kit_components.all()) for kit in kits}
    form = KitAssembleForm(request.POST or None, sites=sites, kits=kits)
    if request.method == "POST" and form.is_valid():
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
        kit = next(k for k in kits if k.code == form.cleaned_data["kit"])
        done = attempt(
            form,
            lambda: kit_assemble(
                actor=request.user, site=site, kit=kit, count=form.cleaned_data["count"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("%(count)d × %(kit)s assembled at %(site)s.")
                % {"count": done.count, "kit": kit.name_zh, "site": site.name},
            )
            return redirect(f"{stock_url()}?site={site.code}")
    return render(
        request,
        "inventory/kit_assemble.html",
        {"form": form, "recipes": [(k, recipes[k.code]) for k in kits]},
    )
