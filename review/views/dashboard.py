"""The workspace's home: where review stands, drawn as server-side SVG charts."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from claims.enums import ReviewState, Verdict
from claims.models import Conflict
from claims.selectors import visible_conflict_ids
from review import charts, workspace
from review.views import EDITOR_PERMISSION, reviewer_required


@require_GET
@reviewer_required
def home(request):
    figures = workspace.dashboard_figures(request.user)
    context = {
        "figures": figures,
        "charts": _charts(figures, _side_labels(request.user)),
        "today": workspace.counts_today(request.user),
        "is_editor": request.user.has_perm(EDITOR_PERMISSION),
    }
    return TemplateResponse(request, "review/dashboard.html", context)


def _side_labels(user) -> dict[str, str]:
    allowed = visible_conflict_ids(user)
    conflicts = Conflict.objects.all() if allowed is None else Conflict.objects.filter(pk__in=allowed)
    labels = {"third_party": "third party"}
    for conflict in conflicts.only("sides"):
        for slug in conflict.parties:
            labels.setdefault(slug, conflict.side_label(slug))
    return labels


def _charts(figures: dict, side_labels: dict[str, str]) -> dict:
    states = [(label, figures["by_state"][value], None) for value, label in ReviewState.choices]
    decided_days = charts.days_between(figures["decided_from"], figures["decided_to"])
    decided = {(day, decision): n for day, decision, n in figures["decided"]}
    side_days = charts.days_between(*figures["side_days"]) if figures["side_days"] else []
    per_side = {(day, side): n for day, side, n in figures["per_side"]}
    sides = sorted({side for _, side, _ in figures["per_side"]}, key=lambda s: (s == "third_party", s))
    busiest = [(name, n, denied) for name, n, denied in figures["busiest"]]
    return {
        "states": charts.hbars(states, title="Claims by review state"),
        "decided": charts.stacked_columns(
            decided_days,
            [
                (value, label, [decided.get((day, value), 0) for day in decided_days])
                for value, label in Verdict.choices
            ],
            title="Verdicts approved per day",
        ),
        "per_side": charts.stacked_columns(
            side_days,
            [
                (side, side_labels.get(side, side), [per_side.get((day, side), 0) for day in side_days])
                for side in sides
            ],
            title="Claims per event day by side",
        ),
        "busiest": charts.hbars(
            busiest, title="Busiest claimants and their share of denied claims", width=620, label_w=220, unit="denied"
        ),
    }
