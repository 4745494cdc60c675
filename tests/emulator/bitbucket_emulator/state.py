"""In-memory data model of the emulated Bitbucket instance.

Everything the REST handlers read or change lives in one ``State`` object. The
application holds a single lock around every request, so nothing here locks on
its own. Names (usernames, group names, project keys) are looked up
case-insensitively, the way Bitbucket treats them.
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from dataclasses import dataclass, field

from .settings_state import SettingsState
from .sshkeys import KeyStore, SshSettings, host_key_blob
from . import system_settings
from .auth_state import AuthState
from .cluster import node_id, seeded_cluster
from .jobs import advance as advance_job
from .mesh import DELETE_MS

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"
DEFAULT_GROUP = "stash-users"
INTERNAL_DIRECTORY = "Bitbucket Internal Directory"

# Global permissions, lowest first (spec: RestPermittedUser.permission enum; API-MAP §8 bitbucket_global_permission).
GLOBAL_PERMISSIONS = ("LICENSED_USER", "PROJECT_CREATE", "ADMIN", "SYS_ADMIN")
# Project permissions, lowest first (API-MAP 3.3).
PROJECT_PERMISSIONS = ("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN")
# Repository permissions, lowest first (API-MAP 3.3 repository variant, 3.5 token permissions).
REPO_PERMISSIONS = ("REPO_READ", "REPO_WRITE", "REPO_ADMIN")


def rank(permission, levels):
    """1-based rank of ``permission`` within ``levels``; 0 for None or an unrelated value."""
    if permission in levels:
        return levels.index(permission) + 1
    return 0


def hash_secret(secret):
    """Secrets are kept (and dumped) only as SHA-256 hex digests."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def slugify_username(name):
    # spec getUser: the slug "may not be the user's username, always use the user.slug property";
    # Bitbucket lower-cases the name and replaces characters that are not URL-safe.
    return re.sub(r"[^a-z0-9._-]", "_", name.lower())


@dataclass
class User:
    id: int
    name: str
    slug: str
    display_name: str
    email: str | None
    password_hash: str | None
    type: str = "NORMAL"
    active: bool = True
    global_permission: str | None = None
    groups: set = field(default_factory=set)  # lower-cased group names
    last_authenticated: int | None = None
    # The user directory (RestDetailedUser.directoryName; spec example "Bitbucket Internal Directory").
    # Users of a read-only external directory (LDAP, Crowd) have mutableDetails/mutableGroups false
    # (API-MAP 3.25 "Quirks"); they are added through POST /_emulator/users.
    directory: str = INTERNAL_DIRECTORY
    mutable_details: bool = True
    mutable_groups: bool = True
    # seed 003 / spec getUserSettings: a map of plugin-defined keys to string, boolean or number values.
    settings: dict = field(default_factory=dict)

    def to_rest(self):
        """RestApplicationUser (spec schema; seed 003 example); service users have no e-mail address."""
        body = {"name": self.name}
        if self.email:
            body["emailAddress"] = self.email
        body.update({"active": self.active, "displayName": self.display_name, "id": self.id, "slug": self.slug, "type": self.type})
        return body

    def to_rest_detailed(self):
        """RestDetailedUser: RestApplicationUser plus directory details (spec schema)."""
        body = self.to_rest()
        internal = self.type == "NORMAL"
        body.update({
            "directoryName": self.directory,
            # An external directory's users come back with its next synchronisation: Bitbucket cannot delete them.
            "deletable": internal and self.directory == INTERNAL_DIRECTORY,
            "mutableDetails": internal and self.mutable_details,
            "mutableGroups": internal and self.mutable_groups,
        })
        if self.last_authenticated is not None:
            body["lastAuthenticationTimestamp"] = self.last_authenticated
        return body


@dataclass
class Group:
    name: str
    global_permission: str | None = None

    def to_rest_detailed(self):
        """RestDetailedGroup (spec schema)."""
        return {"name": self.name, "deletable": True}


# A new repository is INITIALISING, and a deleted one stays readable, for a while (API-MAP 3.2: "New repos
# may be INITIALISING"; "After 202, the repo can still be GET-able for a while ... poll for 404"). The while
# is counted in reads of the repository, so that a run makes the same requests every time: the first read
# after the create still shows INITIALISING, the first read after the delete still finds the repository.
# Emulator time ends both too, after a longer while (/_emulator/clock skips it).
REPOSITORY_PENDING_READS = 1
REPOSITORY_PENDING_MS = 10_000
# spec getDefaultBranch_2: "a newly-created repository will have a configured default branch"; the
# RestRepository examples of the spec and seed 004 name it "main".
DEFAULT_BRANCH = "main"


def slugify_repository(name):
    # spec updateRepository: "The repository's slug is derived from its name"; Bitbucket lower-cases it and
    # turns every run of characters other than letters, digits, '.', '_' and '-' into one '-'.
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return slug or "repository"


@dataclass
class Repository:
    """A repository of a project: its settings, its lifecycle state and the grants that hang off it."""

    id: int
    slug: str
    name: str
    public: bool = False
    user_grants: dict = field(default_factory=dict)   # user id -> REPO_* permission
    group_grants: dict = field(default_factory=dict)  # lower-cased group name -> REPO_* permission
    description: str = ""
    forkable: bool = True
    archived: bool = False
    default_branch: str = DEFAULT_BRANCH
    scm_id: str = "git"
    state: str = "AVAILABLE"  # spec RestRepository.state: AVAILABLE, INITIALISING, INITIALISATION_FAILED, OFFLINE
    origin_id: int | None = None       # the repository this one is a fork of
    hierarchy_id: str = ""
    initialising_since: int | None = None  # emulator time at which the create (INITIALISING) began
    initialising_reads: int = 0            # reads that still show INITIALISING
    deletion_since: int | None = None      # emulator time at which the deletion was scheduled
    deletion_reads: int = 0                # reads that still find the repository

    @property
    def deleting(self):
        return self.deletion_since is not None


@dataclass
class Restriction:
    """A branch permission (API-MAP 3.4): a matcher, a type and its exemptions, on a project or one repository."""

    id: int
    project_id: int
    repo_id: int | None       # None for a project-level restriction
    type: str
    matcher_type: str         # BRANCH, PATTERN, MODEL_CATEGORY, MODEL_BRANCH
    matcher_id: str
    matcher_display_id: str
    user_ids: list = field(default_factory=list)
    groups: list = field(default_factory=list)          # group names as given
    access_key_ids: list = field(default_factory=list)  # stored as given (access keys are modelled elsewhere)


@dataclass
class ReviewerCondition:
    """A default-reviewer pull request condition (API-MAP section 8; spec createPullRequestCondition)."""

    id: int
    project_id: int
    repo_id: int | None
    source: dict              # {"type": ..., "id": ..., "displayId": ...}
    target: dict
    reviewer_ids: list = field(default_factory=list)
    required_approvals: int = 0


@dataclass
class RequiredBuildCondition:
    """A required-builds merge check of a repository (API-MAP section 8; spec createRequiredBuildsMergeCheck)."""

    id: int
    project_id: int
    repo_id: int
    build_parent_keys: list
    ref_matcher: dict                 # {"type": ..., "id": ..., "displayId": ...}
    exempt_ref_matcher: dict | None = None


@dataclass
class Webhook:
    """A project or repository webhook (API-MAP section 8; spec createWebhook). The secret is kept as a hash."""

    id: int
    project_id: int
    repo_id: int | None
    name: str
    url: str
    events: list
    active: bool = True
    ssl_verification_required: bool = True
    secret_hash: str | None = None
    created: int = 0
    updated: int = 0


@dataclass
class Project:
    id: int
    key: str
    name: str
    description: str = ""
    public: bool = False
    default_permission: str | None = None  # the "all licensed users" permission (API-MAP 3.3)
    user_grants: dict = field(default_factory=dict)   # user id -> PROJECT_* permission
    group_grants: dict = field(default_factory=dict)  # lower-cased group name -> PROJECT_* permission
    repos: dict = field(default_factory=dict)         # lower-cased slug -> Repository

    def to_rest(self, base_url):
        """RestProject as a live server answers it: description omitted when empty, self link from the request host."""
        body = {"key": self.key, "id": self.id, "name": self.name}
        if self.description:
            body["description"] = self.description
        body.update({
            "public": self.public,
            "type": "NORMAL",
            "links": {"self": [{"href": f"{base_url}projects/{self.key}"}]},
        })
        return body


@dataclass
class AccessToken:
    id: str
    name: str
    created: int
    permissions: list
    token_hash: str
    owner_kind: str             # "user", "project" or "repository"
    user_id: int                # the owner (user tokens) or the generated service user (project/repository tokens)
    project_id: int | None = None
    repo_id: int | None = None
    expiry_days: int | None = None
    expiry_date: int | None = None
    last_authenticated: int | None = None


class State:
    """The whole emulated instance. Call ``reset()`` to return to the seeded state."""

    def __init__(self, seed=0):
        self._seed = seed
        self.reset()

    # -- lifecycle -------------------------------------------------------

    def reset(self):
        self.users = {}       # id -> User
        self.groups = {}      # lower-cased name -> Group
        self.projects = {}    # id -> Project
        self.tokens = {}      # id -> AccessToken
        # Hooks, hook scripts, auto-decline, auto-merge, pull-request settings (settings_state.py).
        self.settings = SettingsState()
        self.restrictions = {}         # id -> Restriction
        self.reviewer_conditions = {}  # id -> ReviewerCondition
        self.webhooks = {}             # id -> Webhook
        self.required_builds = {}      # id -> RequiredBuildCondition
        self._next_required_build_id = 1
        self._next_restriction_id = 1
        self._next_condition_id = 1
        self._next_webhook_id = 1
        self.clock_offset_ms = 0
        # spec createUser 403 "would exceed the server's license limit": the number of licensed users the
        # licence allows; None is unlimited. Set through POST /_emulator/license (licensing.py).
        self.licensed_user_limit = None
        # SSH user keys, access keys and their grants, and the SSH settings (API-MAP 3.7, 3.8).
        self.ssh = KeyStore(settings=SshSettings(host_key_blob(self._seed)))
        # The administrator's maximum expiry of HTTP access tokens, in days (seed 002; API-MAP 3.6).
        self.token_max_expiry_days = None
        # IdPs, SSO, basic-auth blocking, TOTP enrollments, JIT-provisioned users (API-MAP 3.9 to 3.12).
        self.auth = AuthState()
        # /_emulator/clock: a frozen clock stands at this epoch ms instead of following the wall clock,
        # and every REST request moves the clock on by tick_ms; tests use both to make time reproducible.
        self.clock_frozen_at_ms = None
        self.clock_tick_ms = 0
        self._cluster_rng, self.cluster_nodes = seeded_cluster(self._seed)  # cluster.py
        self.mesh_nodes = {}          # id -> mesh.MeshNode
        self.jobs = {}                # id -> jobs.MigrationJob (exports, imports and Mesh migrations)
        self.migration_archives = {}  # archive file name -> the jobs.JobItem list an export wrote into it
        self.labels = set()           # label names: global objects that outlive their last use (API-MAP 3.2)
        self.repo_labels = {}         # repository id -> set of label names applied to it
        self._next_mesh_node_id = 1
        self._next_job_id = 1
        self._next_job_message_id = 1
        self._next_user_id = 1
        self._next_project_id = 1
        self._next_repo_id = 1
        # Token ids are 12-digit strings like the spec example "252973515069"; a seeded generator keeps runs reproducible.
        self._token_ids = random.Random(self._seed)
        # System administration (seed 003; system_settings.py): the settings of a fresh instance.
        self.banner = None            # system_settings.Banner
        self.license = None           # system_settings.License; its maximum_number_of_users is the user limit
        self.mail_server = None       # system_settings.MailServer
        self.sender_address = None    # the server e-mail address, also the mail configuration's senderAddress
        self.rate_limits = system_settings.RateLimits()
        self.default_branch = None    # the global default branch name, without refs/heads/
        self.repository_policies = dict(system_settings.DEFAULT_REPOSITORY_POLICIES)
        self.log_levels = {}          # logger name -> level set through the API (until reset, like a restart)
        self.root_log_level = system_settings.DEFAULT_ROOT_LEVEL
        self._seed_defaults()

    def _seed_defaults(self):
        # Brief: the default group grants LICENSED_USER, so new users added to it can log in
        # (spec createUser: users outside the default group "may not be able to login").
        self.add_group(DEFAULT_GROUP, global_permission="LICENSED_USER")
        admin = self.add_user(ADMIN_USERNAME, "Administrator", "admin@example.com", ADMIN_PASSWORD)
        admin.global_permission = "SYS_ADMIN"
        admin.groups.add(DEFAULT_GROUP)

    @property
    def seed(self):
        """The seed of the generators (token ids, cluster node ids, the control-plane key)."""
        return self._seed

    def now_ms(self):
        """Current epoch milliseconds, shifted by the test clock offset (/_emulator/clock)."""
        base = self.clock_frozen_at_ms if self.clock_frozen_at_ms is not None else int(time.time() * 1000)
        return base + self.clock_offset_ms

    def tick(self):
        """One REST request's worth of emulator time (``tick_ms`` of /_emulator/clock, 0 by default)."""
        self.clock_offset_ms += self.clock_tick_ms

    # -- users -----------------------------------------------------------

    def add_user(self, name, display_name, email, password, user_type="NORMAL", directory=INTERNAL_DIRECTORY, mutable_details=True, mutable_groups=True):
        slug = slugify_username(name)
        taken = {user.slug for user in self.users.values()}
        candidate, suffix = slug, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{slug}_{suffix}"
        user = User(
            id=self._next_user_id,
            name=name,
            slug=candidate,
            display_name=display_name,
            email=email,
            password_hash=hash_secret(password) if password is not None else None,
            type=user_type,
            directory=directory,
            mutable_details=mutable_details,
            mutable_groups=mutable_groups,
        )
        self._next_user_id += 1
        self.users[user.id] = user
        return user

    def find_user(self, name):
        """User by username (case-insensitive), or None."""
        if name is None:
            return None
        wanted = name.lower()
        for user in self.users.values():
            if user.name.lower() == wanted:
                return user
        return None

    def find_user_by_slug(self, slug):
        wanted = slug.lower()
        for user in self.users.values():
            if user.slug == wanted:
                return user
        return None

    def remove_user(self, user):
        """Delete a user with everything that hangs off them (spec deleteUser: 'also removes any permissions')."""
        del self.users[user.id]
        for project in self.projects.values():
            project.user_grants.pop(user.id, None)
            for repo in project.repos.values():
                repo.user_grants.pop(user.id, None)
        # Tokens acting as this user (their own, or the ones a deleted service user backed) stop working.
        for token_id in [t.id for t in self.tokens.values() if t.user_id == user.id]:
            del self.tokens[token_id]

    def rename_user(self, user, new_name):
        user.name = new_name
        base = slugify_username(new_name)
        taken = {other.slug for other in self.users.values() if other.id != user.id}
        candidate, suffix = base, 1
        while candidate in taken:
            suffix += 1
            candidate = f"{base}_{suffix}"
        user.slug = candidate

    def sorted_users(self):
        return sorted(self.users.values(), key=lambda user: (user.name.lower(), user.id))

    # -- groups ----------------------------------------------------------

    def add_group(self, name, global_permission=None):
        group = Group(name=name, global_permission=global_permission)
        self.groups[name.lower()] = group
        return group

    def find_group(self, name):
        if name is None:
            return None
        return self.groups.get(name.lower())

    def remove_group(self, group):
        key = group.name.lower()
        del self.groups[key]
        for user in self.users.values():
            user.groups.discard(key)
        for project in self.projects.values():
            project.group_grants.pop(key, None)
            for repo in project.repos.values():
                repo.group_grants.pop(key, None)

    def sorted_groups(self):
        return sorted(self.groups.values(), key=lambda group: group.name.lower())

    def group_members(self, group):
        key = group.name.lower()
        return [user for user in self.sorted_users() if key in user.groups]

    # -- projects --------------------------------------------------------

    def add_project(self, key, name, description="", public=False):
        project = Project(id=self._next_project_id, key=key.upper(), name=name, description=description, public=public)
        self._next_project_id += 1
        self.projects[project.id] = project
        return project

    def find_project(self, key):
        """Project by key, case-insensitively (API-MAP 3.1: compare keys case-insensitively)."""
        if key is None:
            return None
        wanted = key.upper()
        for project in self.projects.values():
            if project.key == wanted:
                return project
        return None

    def find_project_by_name(self, name):
        wanted = name.lower()
        for project in self.projects.values():
            if project.name.lower() == wanted:
                return project
        return None

    def remove_project(self, project):
        del self.projects[project.id]
        for token in [t for t in self.tokens.values() if t.project_id == project.id]:
            self.remove_token(token)
        for collection in (self.restrictions, self.reviewer_conditions, self.webhooks):
            for item_id in [i for i, item in collection.items() if item.project_id == project.id]:
                del collection[item_id]
        for item_id in [i for i, item in self.required_builds.items() if item.project_id == project.id]:
            del self.required_builds[item_id]

    def sorted_projects(self):
        return sorted(self.projects.values(), key=lambda project: (project.name.lower(), project.id))

    def add_repository(self, project, slug, name=None, public=False):
        repo = Repository(id=self._next_repo_id, slug=slug.lower(), name=name or slug, public=public)
        self._next_repo_id += 1
        project.repos[repo.slug] = repo
        return repo

    def remove_repository(self, project, repo):
        del project.repos[repo.slug]
        for token in [t for t in self.tokens.values() if t.repo_id == repo.id]:
            self.remove_token(token)
        for collection in (self.restrictions, self.reviewer_conditions, self.webhooks):
            for item_id in [i for i, item in collection.items() if item.repo_id == repo.id]:
                del collection[item_id]
        for item_id in [i for i, item in self.required_builds.items() if item.repo_id == repo.id]:
            del self.required_builds[item_id]

    def create_repository(self, project, name, origin=None):
        """A new repository named ``name``: its slug derived from the name, INITIALISING for a short while."""
        repo = self.add_repository(project, slugify_repository(name), name)
        repo.state = "INITIALISING"
        repo.initialising_since = self.now_ms()
        repo.initialising_reads = REPOSITORY_PENDING_READS
        repo.hierarchy_id = origin.hierarchy_id if origin is not None else hashlib.sha1(f"repo-{repo.id}".encode()).hexdigest()[:20]
        if origin is not None:
            repo.origin_id = origin.id
            repo.default_branch = origin.default_branch
        return repo

    def find_repository_by_name(self, project, name):
        wanted = name.lower()
        for repo in project.repos.values():
            if repo.name.lower() == wanted:
                return repo
        return None

    def rename_repository(self, project, repo, name):
        del project.repos[repo.slug]
        repo.name = name
        repo.slug = slugify_repository(name)
        project.repos[repo.slug] = repo

    def move_repository(self, repo, source, target):
        """Move ``repo`` from project ``source`` to ``target``; its tokens, restrictions and hooks go with it."""
        del source.repos[repo.slug]
        target.repos[repo.slug] = repo
        for token in self.tokens.values():
            if token.repo_id == repo.id:
                token.project_id = target.id
        for collection in (self.restrictions, self.reviewer_conditions, self.webhooks):
            for item in collection.values():
                if item.repo_id == repo.id:
                    item.project_id = target.id
        for item in self.required_builds.values():
            if item.repo_id == repo.id:
                item.project_id = target.id

    def schedule_repository_deletion(self, repo):
        if repo.deletion_since is None:
            repo.deletion_since = self.now_ms()
            repo.deletion_reads = REPOSITORY_PENDING_READS

    def note_repository_read(self, repo):
        """A GET of the repository (alone or in a list): it counts towards the end of what is pending."""
        if repo.state == "INITIALISING":
            if repo.initialising_reads > 0:
                repo.initialising_reads -= 1
            else:
                self._finish_initialising(repo)
        if repo.deletion_since is not None and repo.deletion_reads > 0:
            repo.deletion_reads -= 1

    def _finish_initialising(self, repo):
        repo.state = "AVAILABLE"
        repo.initialising_since = None
        repo.initialising_reads = 0

    def settle(self):
        """Finish what is done: deletions whose reads are spent, and whatever emulator time has ended.

        A clock moved back (/_emulator/clock) before the start counts as done, so that a test that puts
        the clock back never leaves a repository initialising or being deleted.
        """
        now = self.now_ms()

        def over(since):
            return since is not None and (now >= since + REPOSITORY_PENDING_MS or now < since)

        for project in list(self.projects.values()):
            for repo in list(project.repos.values()):
                if repo.deletion_since is not None and (repo.deletion_reads <= 0 or over(repo.deletion_since)):
                    self.remove_repository(project, repo)
                elif repo.state == "INITIALISING" and over(repo.initialising_since):
                    self._finish_initialising(repo)

    # -- branch permissions, default reviewers, webhooks ------------------

    def add_restriction(self, project, repo, kind, matcher_type, matcher_id, display_id, user_ids, groups, access_key_ids):
        restriction = Restriction(
            id=self._next_restriction_id, project_id=project.id, repo_id=repo.id if repo is not None else None, type=kind,
            matcher_type=matcher_type, matcher_id=matcher_id, matcher_display_id=display_id,
            user_ids=list(user_ids), groups=list(groups), access_key_ids=list(access_key_ids),
        )
        self._next_restriction_id += 1
        self.restrictions[restriction.id] = restriction
        return restriction

    def new_required_build_id(self):
        self._next_required_build_id += 1
        return self._next_required_build_id - 1

    def new_condition_id(self):
        self._next_condition_id += 1
        return self._next_condition_id - 1

    def new_webhook_id(self):
        self._next_webhook_id += 1
        return self._next_webhook_id - 1

    def find_repository_by_id(self, repo_id):
        for project in self.projects.values():
            for repo in project.repos.values():
                if repo.id == repo_id:
                    return project, repo
        return None, None

    # -- access tokens ---------------------------------------------------

    def new_token_id(self):
        while True:
            candidate = str(self._token_ids.randrange(10 ** 11, 10 ** 12))
            if candidate not in self.tokens:
                return candidate

    def find_token_by_secret(self, secret):
        digest = hash_secret(secret)
        for token in self.tokens.values():
            if token.token_hash == digest:
                return token
        return None

    def remove_token(self, token):
        del self.tokens[token.id]
        # API-MAP 3.5: project/repository tokens are backed by generated service users; they go with the token.
        if token.owner_kind != "user":
            self.users.pop(token.user_id, None)

    # -- cluster, Mesh nodes, migration jobs, labels ---------------------

    def local_cluster_node(self):
        return next(node for node in self.cluster_nodes if node.local)

    def new_cluster_node_id(self):
        return node_id(self._cluster_rng)

    def sorted_mesh_nodes(self):
        return sorted(self.mesh_nodes.values(), key=lambda node: int(node.id))

    def new_mesh_node_id(self):
        new_id = str(self._next_mesh_node_id)
        self._next_mesh_node_id += 1
        return new_id

    def new_job_id(self):
        job_id = self._next_job_id
        self._next_job_id += 1
        return job_id

    def next_job_message_id(self):
        message_id = self._next_job_message_id
        self._next_job_message_id += 1
        return message_id

    def advance_jobs(self):
        """Bring every migration job and every Mesh node deletion up to the emulator's now."""
        now = self.now_ms()
        for job in sorted(self.jobs.values(), key=lambda job: job.id):
            advance_job(self, job, now)
        for node in list(self.mesh_nodes.values()):
            if node.deleting_since is not None and now >= node.deleting_since + DELETE_MS:
                del self.mesh_nodes[node.id]

    def labels_of(self, repo_id):
        return sorted(self.repo_labels.get(repo_id, ()))

    # -- dump ------------------------------------------------------------

    def dump(self):
        """JSON-ready snapshot for GET /_emulator/state (secrets only as hashes)."""
        self.settle()
        groups_by_key = {key: group.name for key, group in self.groups.items()}
        users = {user.id: user.name for user in self.users.values()}
        projects = []
        for project in self.sorted_projects():
            projects.append({
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "description": project.description,
                "public": project.public,
                "default_permission": project.default_permission,
                "user_permissions": {users.get(uid, str(uid)): perm for uid, perm in sorted(project.user_grants.items())},
                "group_permissions": {groups_by_key.get(key, key): perm for key, perm in sorted(project.group_grants.items())},
                "repos": [
                    {"id": repo.id, "slug": repo.slug, "name": repo.name, "public": repo.public,
                     "description": repo.description, "forkable": repo.forkable, "archived": repo.archived,
                     "default_branch": repo.default_branch, "state": repo.state, "origin_id": repo.origin_id,
                     "deleting": repo.deleting}
                    for repo in sorted(project.repos.values(), key=lambda r: r.slug)
                ],
            })
        tokens = []
        for token in sorted(self.tokens.values(), key=lambda t: (t.created, t.id)):
            project = self.projects.get(token.project_id)
            repo = self.find_repository_by_id(token.repo_id)[1] if token.repo_id is not None else None
            tokens.append({
                "id": token.id,
                "name": token.name,
                "owner_kind": token.owner_kind,
                "user": users.get(token.user_id),
                "project": project.key if project else None,
                "repository": repo.slug if repo else None,
                "permissions": list(token.permissions),
                "created": token.created,
                "expiry_days": token.expiry_days,
                "expiry_date": token.expiry_date,
                "last_authenticated": token.last_authenticated,
                "token_sha256": token.token_hash,
            })
        return {
            "users": [
                {
                    "id": user.id,
                    "name": user.name,
                    "slug": user.slug,
                    "display_name": user.display_name,
                    "email": user.email,
                    "type": user.type,
                    "active": user.active,
                    "global_permission": user.global_permission,
                    "groups": sorted(groups_by_key.get(key, key) for key in user.groups),
                    "password_sha256": user.password_hash,
                    "directory": user.directory,
                    "mutable_details": user.mutable_details,
                    "mutable_groups": user.mutable_groups,
                    "settings": dict(user.settings),
                }
                for user in self.sorted_users()
            ],
            "groups": [
                {"name": group.name, "global_permission": group.global_permission, "members": [u.name for u in self.group_members(group)]}
                for group in self.sorted_groups()
            ],
            "projects": projects,
            "tokens": tokens,
            "settings": self.settings.dump(
                {project.id: project.key for project in self.projects.values()},
                {repo.id: f"{project.key}/{repo.slug}" for project in self.projects.values() for repo in project.repos.values()},
            ),
            "restrictions": [
                {"id": r.id, "project_id": r.project_id, "repo_id": r.repo_id, "type": r.type, "matcher_type": r.matcher_type,
                 "matcher_id": r.matcher_id, "users": [users.get(uid, str(uid)) for uid in r.user_ids], "groups": list(r.groups),
                 "access_key_ids": list(r.access_key_ids)}
                for r in sorted(self.restrictions.values(), key=lambda r: r.id)
            ],
            "reviewer_conditions": [
                {"id": c.id, "project_id": c.project_id, "repo_id": c.repo_id, "source": dict(c.source), "target": dict(c.target),
                 "reviewers": [users.get(uid, str(uid)) for uid in c.reviewer_ids], "required_approvals": c.required_approvals}
                for c in sorted(self.reviewer_conditions.values(), key=lambda c: c.id)
            ],
            "webhooks": [
                {"id": w.id, "project_id": w.project_id, "repo_id": w.repo_id, "name": w.name, "url": w.url, "events": list(w.events),
                 "active": w.active, "ssl_verification_required": w.ssl_verification_required, "secret_sha256": w.secret_hash}
                for w in sorted(self.webhooks.values(), key=lambda w: w.id)
            ],
            "required_builds": [
                {"id": c.id, "project_id": c.project_id, "repo_id": c.repo_id, "build_parent_keys": list(c.build_parent_keys),
                 "ref_matcher": dict(c.ref_matcher), "exempt_ref_matcher": dict(c.exempt_ref_matcher) if c.exempt_ref_matcher else None}
                for c in sorted(self.required_builds.values(), key=lambda c: c.id)
            ],
            "clock_offset_ms": self.clock_offset_ms,
            "licensed_user_limit": self.licensed_user_limit,
            **self.ssh.dump(self),
            "token_policy": {"max_expiry_days": self.token_max_expiry_days},
            "system": system_settings.dump(self),
            "auth": self.auth.dump(self.users),
            "clock_frozen_at_ms": self.clock_frozen_at_ms,
            "clock_tick_ms": self.clock_tick_ms,
            "cluster_nodes": [{"id": node.id, "name": node.name, "address": node.address, "port": node.port, "local": node.local}
                              for node in self.cluster_nodes],
            "mesh_nodes": [
                {"id": node.id, "name": node.name, "rpc_url": node.rpc_url, "availability_zone": node.availability_zone, "state": node.state,
                 "repository_ids": sorted(node.repo_ids)}
                for node in self.sorted_mesh_nodes()
            ],
            "migration_jobs": [
                {"id": job.id, "kind": job.kind, "state": job.state, "done": job.done,
                 "repositories": [f"{item.project_key}/{item.slug}" for item in job.items], "archive": job.archive}
                for job in sorted(self.jobs.values(), key=lambda job: job.id)
            ],
            "labels": sorted(self.labels),
            "repository_labels": {str(repo_id): sorted(names) for repo_id, names in sorted(self.repo_labels.items()) if names},
        }
