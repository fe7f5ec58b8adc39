"""The team: members and invitations (ADMIN and OWNER)."""

from __future__ import annotations

from sqlalchemy import select

from api.base import Ctx, Op
from console import invitations
from console.auth import RANK, Staff, end_sessions
from console.views import Result, back_to, form, view
from core.errors import BadInput, Conflict
from db.models import UserInvitation, UserProfile
from db.models.enums import InvitationStatus, UserRole, UserStatus


def _role(value: str, staff: Staff) -> UserRole:
    """A role this member may give (an ADMIN cannot make an OWNER)."""
    if value not in UserRole.__members__:
        raise BadInput("choose a role")
    role = UserRole(value)
    if RANK[role] > RANK[staff.role]:
        raise Conflict("you cannot give a role above your own")
    return role


@view(UserRole.ADMIN)
async def team(ctx: Ctx, staff: Staff) -> Result:
    """Members with their roles and status; pending invitations."""
    users = list((await ctx.db.execute(select(UserProfile).order_by(
        UserProfile.created_at))).scalars())
    invites = list((await ctx.db.execute(select(UserInvitation).where(
        UserInvitation.status == InvitationStatus.PENDING)
        .order_by(UserInvitation.created_at.desc()))).scalars())
    await ctx.audit("user_profiles", Op.SELECT, [u.id for u in users])
    roles = [r for r in UserRole if RANK[r] <= RANK[staff.role]]
    return "team.html", {"users": users, "invites": invites, "roles": roles,
                         "statuses": [UserStatus.ACTIVE, UserStatus.SUSPENDED]}


@view(UserRole.ADMIN)
async def invite(ctx: Ctx, staff: Staff) -> Result:
    """Invite someone by email with a role; the mailer sends the link."""
    data = await form(ctx.request)
    try:
        role = _role(data.get("role", ""), staff)
        inv = await invitations.invite(ctx.db, ctx.tenant, data.get("email", ""), role,
                                       staff.user_id)
    except (BadInput, Conflict) as exc:
        return back_to("/app/team", error=str(exc))
    await ctx.db.flush()
    await ctx.audit("user_invitations", Op.INSERT, [inv.id], role=str(role))
    return back_to("/app/team", notice=f"Invitation to {inv.email} is on its way.")


@view(UserRole.ADMIN)
async def invitation_action(ctx: Ctx, staff: Staff) -> Result:
    """Resend or revoke a pending invitation."""
    inv = await ctx.get(UserInvitation, lock=True)
    data = await form(ctx.request)
    try:
        if data.get("action") == "revoke":
            invitations.revoke(inv, staff.user_id)
            note = f"Invitation to {inv.email} revoked."
        else:
            invitations.resend(inv)
            note = f"Invitation to {inv.email} will be sent again (the old link stops working)."
    except Conflict as exc:
        return back_to("/app/team", error=str(exc))
    await ctx.audit("user_invitations", Op.UPDATE, [inv.id], action=data.get("action", "")[:16])
    return back_to("/app/team", notice=note)


@view(UserRole.ADMIN)
async def member(ctx: Ctx, staff: Staff) -> Result:
    """Change a member's role or status (suspending ends their sessions)."""
    user = await ctx.get(UserProfile, lock=True)
    data = await form(ctx.request)
    try:
        if user.id == staff.user_id:
            raise Conflict("you cannot change your own role or status")
        if RANK[user.role] > RANK[staff.role]:
            raise Conflict("you cannot change a member above your own role")
        role = _role(data.get("role", str(user.role)), staff)
        status = data.get("status", str(user.status))
        if status not in (UserStatus.ACTIVE, UserStatus.SUSPENDED):
            raise BadInput("choose active or suspended")
    except (BadInput, Conflict) as exc:
        return back_to("/app/team", error=str(exc))
    changed = role != user.role or status != user.status
    if changed:
        user.role, user.status = role, UserStatus(status)
        await end_sessions(ctx.db, user.id)  # the new role or the suspension applies now
        await ctx.audit("user_profiles", Op.UPDATE, [user.id], role=str(role),
                        status=str(status))
    return back_to("/app/team", notice=f"{user.email} updated." if changed else "")
