"""Who may do what: every role against every verification action, from one table."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from review import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "https://harbour-gazette.example/a"


def correct(claim, user, ctx):
    services.claim_correct(claim=claim, user=user, expected_version=claim.version, stance="deny")


def add_evidence(claim, user, ctx):
    services.evidence_add(claim=claim, user=user, url=URL, outlet="Harbour Gazette", relation="context")


def remove_evidence(claim, user, ctx):
    services.evidence_remove(evidence=ctx["evidence"], user=user, reason="duplicate")


def propose(claim, user, ctx):
    services.verdict_propose(
        claim=claim, user=user, decision="unverified", rationale="No access.", expected_version=claim.version
    )


def approve(claim, user, ctx):
    services.verdict_approve(verdict=ctx["proposal"], user=user)


def reject(claim, user, ctx):
    services.verdict_reject(verdict=ctx["proposal"], user=user, reason="Cite the monitors.")


ACTIONS = {
    "correct": correct,
    "add evidence": add_evidence,
    "remove evidence": remove_evidence,
    "propose": propose,
    "approve": approve,
    "reject": reject,
}
# role -> the actions it may take; every other action must be refused.
ALLOWED = {
    None: set(),
    "api_client": set(),
    "analyst": {"correct", "add evidence", "propose"},
    "editor": {"correct", "add evidence", "remove evidence", "propose", "approve", "reject"},
    "admin": {"correct", "add evidence", "remove evidence", "propose", "approve", "reject"},
}


@pytest.mark.parametrize("role", list(ALLOWED), ids=lambda r: r or "no role")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_action_matrix(claim, role, action):
    setup = UserFactory(username="setup-editor", roles=["editor"])
    author = UserFactory(username="author", roles=["analyst"])
    ctx = {}
    if action == "remove evidence":
        ctx["evidence"] = services.evidence_add(
            claim=claim, user=setup, url=URL, outlet="Harbour Gazette", relation="context"
        )
    if action in ("approve", "reject"):
        claim.refresh_from_db()
        ctx["proposal"] = services.verdict_propose(
            claim=claim, user=author, decision="unverified", rationale="No access.", expected_version=claim.version
        )
    user = UserFactory(username="actor", roles=[role] if role else [])
    claim.refresh_from_db()
    if action in ALLOWED[role]:
        ACTIONS[action](claim, user, ctx)
        claim.refresh_from_db()
        assert claim.audit_events.order_by("-seq").first().username == "actor"
    else:
        version = claim.version
        with pytest.raises(PermissionDenied):
            ACTIONS[action](claim, user, ctx)
        claim.refresh_from_db()
        assert claim.version == version


def test_staff_without_a_role_sees_no_claims(claim):
    from claims.selectors import claims_visible_to

    staff = UserFactory(username="staff", roles=[])
    analyst = UserFactory(username="viewer", roles=["analyst"])
    assert list(claims_visible_to(staff)) == []
    assert list(claims_visible_to(analyst)) == [claim]


def test_only_admins_may_delete_claims_and_documents(db):
    for role, may in (("analyst", False), ("editor", False), ("api_client", False), ("admin", True)):
        user = UserFactory(username=f"del-{role}", roles=[role])
        assert (user.has_perm("claims.delete_claim"), user.has_perm("claims.delete_document")) == (may, may), role


def test_grant_role_assigns_and_revokes(db, capsys):
    user = UserFactory(username="newcomer", is_staff=False)
    call_command("grant_role", "newcomer", "editor")
    user.refresh_from_db()
    assert capsys.readouterr().out == "newcomer now has the role editor (roles: editor).\n"
    assert user.is_staff is True
    assert list(user.groups.values_list("name", flat=True)) == ["editor"]
    call_command("grant_role", "newcomer", "editor", "--revoke")
    user.refresh_from_db()
    assert (user.is_staff, user.groups.count()) == (False, 0)


def test_grant_role_names_an_unknown_user(db):
    with pytest.raises(CommandError) as error:
        call_command("grant_role", "ghost", "analyst")
    assert str(error.value) == "no user 'ghost'; create it first (manage.py createsuperuser or the admin)"
