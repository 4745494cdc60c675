"""The licensed-user limit of the emulated instance.

Sources: spec createUser answers 403 when "Adding the user to the default group would exceed the
server's license limit"; addUsersToGroup, addUserToGroups and addGroupToUser answer 403 when "it
would exceed the server's licensing limit"; seed 003 (license) counts "the current number of users
applied toward the license limit". A user counts once they hold LICENSED_USER or more, through their
own grant or a group's (permissions.py); service users (the users behind project and repository
tokens) never count.

The limit is ``state.licensed_user_limit`` (None: unlimited), set through ``POST /_emulator/license``.
"""

from __future__ import annotations

from .errors import PERMISSION_EXCEPTION, ApiError
from .permissions import LICENSED_RANK, user_global_rank
from .state import GLOBAL_PERMISSIONS, rank


def licensed_user_count(state):
    return sum(1 for user in state.users.values() if user.type == "NORMAL" and user_global_rank(state, user) >= LICENSED_RANK)


def grants_licence(group):
    return rank(group.global_permission, GLOBAL_PERMISSIONS) >= LICENSED_RANK


def check_room_for(state, users, groups, message):
    """403 when ``users`` joining ``groups`` would license more users than the limit allows.

    ``users`` may hold None for a user that is being created (not in the state yet).
    """
    if state.licensed_user_limit is None or not any(grants_licence(group) for group in groups):
        return
    newly_licensed = [
        user for user in users
        if user is None or (user.type == "NORMAL" and user_global_rank(state, user) < LICENSED_RANK)
    ]
    if newly_licensed and licensed_user_count(state) + len(newly_licensed) > state.licensed_user_limit:
        raise ApiError(403, f"{message} The licence allows {state.licensed_user_limit} licensed users.", PERMISSION_EXCEPTION)
